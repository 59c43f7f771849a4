using System.Collections.Concurrent;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.TestHost;
using static EvidenceCollector.Pipeline.Tests.Stages.StageFixtures;

namespace EvidenceCollector.Pipeline.Tests.Stages;

/// <summary>Invariant #1 as the finding rules state it: an error is never a pass, absence is visible, a gap is an error.</summary>
public sealed class FindingRulesTests
{
    [Fact]
    public void CheckFailed_IsAnErrorOnTheAccount_CitingWhatTheCheckWasGiven()
    {
        var result = FindingRules.CheckFailed("arn:aws:iam::111111111111:root", new FormatException("bad payload"), [Item("eu-west-1", "a", true, "h1"), Item("eu-west-1", "b", true, "h1"), Item("eu-west-1", "c", true, "h2")]);

        Assert.Equal(FindingStatus.Error, result.Status);
        Assert.Equal("arn:aws:iam::111111111111:root", result.ResourceId);
        Assert.Equal(Target.Global, result.Region);
        Assert.Contains("FormatException: bad payload", result.Message, StringComparison.Ordinal);
        Assert.Equal(["h1", "h2"], result.EvidenceHashes);
    }

    [Fact]
    public void DowngradeFailsFromAbsence_OnlyFailsCitingNoEvidenceBecomeErrors()
    {
        var results = new List<CheckResult>
        {
            new("r1", "eu-west-1", FindingStatus.Fail, "no multi-region trail", []),
            new("r2", "eu-west-1", FindingStatus.Fail, "trail not encrypted", ["h1"]),
            new("r3", "eu-west-1", FindingStatus.Pass, "ok", []),
            new("r4", "eu-west-1", FindingStatus.NotApplicable, "nothing", []),
        };

        FindingRules.DowngradeFailsFromAbsence(results, "AccessDenied");

        Assert.Equal([FindingStatus.Error, FindingStatus.Fail, FindingStatus.Pass, FindingStatus.NotApplicable], results.Select(r => r.Status));
        Assert.Contains("could not be collected (AccessDenied)", results[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("no multi-region trail", results[0].Message, StringComparison.Ordinal);
        Assert.Equal("trail not encrypted", results[1].Message);
    }

    [Fact]
    public void NotCollected_NamesTheResourceWhenTheErrorDoes_ElseTheTarget()
    {
        var onResource = FindingRules.NotCollected(new CollectionError(["k"], "eu-west-1", "arn:aws:s3:::b", "AccessDenied", "denied", "GetBucketPolicy"), "arn:aws:ec2:eu-west-1:1:region/eu-west-1");
        var onTarget = FindingRules.NotCollected(new CollectionError(["k"], "eu-west-1", null, "Throttling", "slow down", null), "arn:aws:ec2:eu-west-1:1:region/eu-west-1");

        Assert.Equal(("arn:aws:s3:::b", FindingStatus.Error), (onResource.ResourceId, onResource.Status));
        Assert.Equal("evidence could not be collected: AccessDenied: denied (GetBucketPolicy)", onResource.Message);
        Assert.Equal(("arn:aws:ec2:eu-west-1:1:region/eu-west-1", FindingStatus.Error), (onTarget.ResourceId, onTarget.Status));
        Assert.Equal("evidence could not be collected: Throttling: slow down", onTarget.Message);
    }

    [Fact]
    public void Evaluation_ACheckThatThrows_IsAnErrorNeverAPass()
    {
        var check = new ExplodingCheck();
        var evaluation = Evaluation(check, [Evaluated("eu-west-1")], Covered("eu-west-1"), []);

        var findings = evaluation.Judge([Item("eu-west-1", "a", true, "h1")]).Concat(evaluation.Complete()).ToList();

        var finding = Assert.Single(findings);
        Assert.Equal(FindingStatus.Error, finding.Status);
        Assert.Equal("arn:aws:iam::111111111111:root", finding.ResourceId);
        Assert.Equal(["h1"], finding.Evidence);
        Assert.Equal(["A.5.9"], finding.Controls);
    }

    [Fact]
    public void Evaluation_ACoveredRegionWithNothing_IsNotApplicable_AnUncoveredOneGetsNothing()
    {
        var check = new WidgetNamedCheck();
        var evaluation = Evaluation(check, [Evaluated("eu-west-1"), Evaluated("us-east-1"), Evaluated("ap-south-1")], Covered("eu-west-1", "us-east-1"), []);

        var findings = evaluation.Judge([Item("eu-west-1", "a", true)]).Concat(evaluation.Complete()).OrderBy(f => f.Region, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [("eu-west-1", FindingStatus.Pass), ("us-east-1", FindingStatus.NotApplicable)],
            findings.Select(f => (f.Region, f.Status)));
        Assert.Equal("arn:aws:ec2:us-east-1:111111111111:region/us-east-1", findings[1].ResourceId);
        Assert.Contains("no resources", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluation_ASkippedRegion_IsNotApplicableWithThePlannersReason()
    {
        var check = new WidgetNamedCheck();
        var skipped = new PlannedTarget(Region("me-south-1"), TargetOutcome.Skipped, "region me-south-1 is not enabled", null);
        var evaluation = Evaluation(check, [Evaluated("eu-west-1"), skipped], Covered("eu-west-1"), []);

        var findings = evaluation.Judge([Item("eu-west-1", "a", true)]).Concat(evaluation.Complete()).ToList();

        var na = Assert.Single(findings, f => f.Status == FindingStatus.NotApplicable);
        Assert.Equal(("me-south-1", "region me-south-1 is not enabled"), (na.Region, na.Message));
    }

    [Fact]
    public void Evaluation_ACollectionErrorOfItsKinds_IsAnErrorFinding_AndTurnsAFailFromAbsenceIntoAnError()
    {
        var check = new AnyWidgetCheck();
        var error = (Region("us-east-1"), new CollectionError([WidgetCollector.Kind], "us-east-1", null, "AccessDenied", "not authorized", "ListWidgets"));
        var unrelated = (Region("us-east-1"), new CollectionError(["aws.test.gadget"], "us-east-1", null, "Throttling", "other kind", null));
        var evaluation = Evaluation(check, [Evaluated(Target.Global), Evaluated("eu-west-1"), Evaluated("us-east-1")], Covered("eu-west-1"), [error, unrelated]);

        var findings = evaluation.Judge([]).Concat(evaluation.Complete()).ToList();

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(FindingStatus.Error, f.Status));
        Assert.Contains(findings, f => f.Message.StartsWith("no widget in the account", StringComparison.Ordinal) && f.Message.Contains("AccessDenied", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.ResourceId == "arn:aws:ec2:us-east-1:111111111111:region/us-east-1" && f.Message.Contains("ListWidgets", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Message.Contains("other kind", StringComparison.Ordinal));
    }

    private static PlannedTarget Evaluated(string region) => new(Region(region), TargetOutcome.Evaluated, null, null);

    private static ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool> Covered(params string[] regions)
    {
        var covered = new ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool>();
        foreach (var region in regions)
        {
            covered[(Provider.Aws, Account, region, WidgetCollector.Kind)] = true;
        }

        return covered;
    }

    private static CheckEvaluation Evaluation(ICheck check, List<PlannedTarget> planned, ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool> covered, List<(Target, CollectionError)> errors) =>
        new(Context([new WidgetEncryptedCheck(new WidgetBehaviour()), new WidgetNamedCheck(), new AnyWidgetCheck()], WidgetDescriptor), "run-1", check, Provider.Aws, Account, errors, planned, covered);
}
