using EvidenceCollector.Mapping;
using EvidenceCollector.Model;

namespace EvidenceCollector.Core.Tests.Mapping;

public sealed class ControlEvaluatorTests
{
    private static readonly Control[] Controls = [new("A.8.24", "Technological", "Use of cryptography"), new("A.5.9", "Organizational", "Inventory")];
    private static readonly Dictionary<string, IReadOnlySet<string>> InScope = new() { ["A.8.24"] = new HashSet<string> { "c1", "c2" } };

    [Theory]
    [InlineData(new[] { FindingStatus.Pass, FindingStatus.Fail, FindingStatus.Error }, ControlStatus.NonCompliant)]
    [InlineData(new[] { FindingStatus.Pass, FindingStatus.Error, FindingStatus.NotApplicable }, ControlStatus.Incomplete)]
    [InlineData(new[] { FindingStatus.Pass, FindingStatus.NotApplicable }, ControlStatus.Compliant)]
    [InlineData(new[] { FindingStatus.NotApplicable }, ControlStatus.NotApplicable)]
    [InlineData(new[] { FindingStatus.NotApplicable, FindingStatus.NotApplicable }, ControlStatus.NotApplicable)]
    [InlineData(new[] { FindingStatus.NotApplicable, FindingStatus.Error }, ControlStatus.Incomplete)]
    [InlineData(new[] { FindingStatus.NotApplicable, FindingStatus.Fail }, ControlStatus.NonCompliant)]
    [InlineData(new[] { FindingStatus.Pass }, ControlStatus.Compliant)]
    [InlineData(new[] { FindingStatus.Error }, ControlStatus.Incomplete)]
    public void Evaluate_Statuses_FollowTheRules(FindingStatus[] statuses, ControlStatus expected)
    {
        var findings = statuses.Select((s, i) => F("c1", s, $"r{i}", "A.8.24"));
        var result = ControlEvaluator.Evaluate(Controls, InScope, findings).Single(c => c.ControlId == "A.8.24");
        Assert.Equal(expected, result.Status);
        Assert.Equal(statuses.Count(s => s == FindingStatus.Error), result.Error);
    }

    [Fact]
    public void Evaluate_NoMappedCheckInScope_NoAutomatedEvidence()
    {
        var result = ControlEvaluator.Evaluate(Controls, InScope, [F("c1", FindingStatus.Pass, "r", "A.8.24")]).Single(c => c.ControlId == "A.5.9");
        Assert.Equal(ControlStatus.NoAutomatedEvidence, result.Status);
    }

    [Fact]
    public void Evaluate_CheckInScopeButNoFinding_IsIncompleteNeverCompliant()
    {
        var result = ControlEvaluator.Evaluate(Controls, InScope, []).Single(c => c.ControlId == "A.8.24");
        Assert.Equal(ControlStatus.Incomplete, result.Status);
    }

    [Fact]
    public void Evaluate_RuleFindingMappedToControl_CountsWithoutStaticScope()
    {
        var result = ControlEvaluator.Evaluate(Controls, InScope, [F("aws.config.rule.X", FindingStatus.Fail, "r", "A.5.9")]).Single(c => c.ControlId == "A.5.9");
        Assert.Equal(ControlStatus.NonCompliant, result.Status);
    }

    private static Finding F(string check, FindingStatus status, string resource, string control) => new()
    {
        RunId = "run",
        CheckId = check,
        Title = check,
        Provider = Provider.Aws,
        Account = "111111111111",
        Region = "eu-west-1",
        ResourceId = resource,
        Status = status,
        Severity = Severity.High,
        Message = "m",
        Evidence = [],
        Controls = [control],
    };
}
