using EvidenceCollector.Model;

namespace EvidenceCollector.Core.Tests.Model;

public sealed class RunScopeTests
{
    [Fact]
    public void Overlaps_AllAndAnything_True() => Assert.True(RunScope.All.Overlaps(new RunScope { Accounts = ["1"] }));

    [Fact]
    public void Overlaps_DisjointAccounts_False() => Assert.False(new RunScope { Accounts = ["1"] }.Overlaps(new RunScope { Accounts = ["2"] }));

    [Fact]
    public void Overlaps_DisjointProvidersSameAccount_False() =>
        Assert.False(new RunScope { Providers = ["aws"] }.Overlaps(new RunScope { Providers = ["azure"] }));

    [Fact]
    public void Overlaps_SharedRegion_True() =>
        Assert.True(new RunScope { Regions = ["eu-west-1", "us-east-1"] }.Overlaps(new RunScope { Regions = ["us-east-1"] }));

    [Fact]
    public void IncludesCollector_ServiceShortName_Matches() => Assert.True(new RunScope { Collectors = ["iam"] }.IncludesCollector("aws.iam"));

    [Fact]
    public void WireText_EnumValues_AreSnakeCase()
    {
        Assert.Equal("not_applicable", FindingStatus.NotApplicable.ToWire());
        Assert.Equal("non_compliant", ControlStatus.NonCompliant.ToWire());
        Assert.Equal("no_automated_evidence", ControlStatus.NoAutomatedEvidence.ToWire());
        Assert.Equal("on_demand", RunTrigger.OnDemand.ToWire());
        Assert.Equal("2026-11-30T01:02:03.004Z", new DateTimeOffset(2026, 11, 30, 2, 2, 3, 4, TimeSpan.FromHours(1)).ToWire());
    }
}
