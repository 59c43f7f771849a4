using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Checks;

/// <summary>
/// Check behaviour the fixture files (<see cref="CheckFixtureFileTests"/>) do not express on their own: what a
/// check says about nothing at all, the per-rule check ids of Config rule findings.
/// </summary>
public sealed class CheckFixtureTests
{
    [Fact]
    public void Evaluate_NoTrailAtAll_MultiRegionCheckFailsForTheAccount()
    {
        var result = Assert.Single(new CloudTrail.Checks.MultiRegionTrailLoggingCheck().Evaluate(Evidence.Input()));

        Assert.Equal(FindingStatus.Fail, result.Status);
        Assert.Equal("arn:aws:iam::123456789012:root", result.ResourceId);
        Assert.Equal(Target.Global, result.Region);
    }

    [Fact]
    public void ConfigRules_ManagedAndCustomRules_EmitPerResourceFindingsWithMappingKeys()
    {
        var managed = Evidence.Item(AwsKinds.ConfigRule, """
            {"ConfigRule":{"ConfigRuleName":"mfa","ConfigRuleArn":"arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-1","Source":{"Owner":"AWS","SourceIdentifier":"IAM_USER_MFA_ENABLED"}},
             "Compliance":{},"EvaluationStatus":{"LastSuccessfulEvaluationTime":1796990400,"FirstEvaluationStarted":true},
             "RecorderStatus":{"ConfigurationRecordersStatus":[{"recording":true,"lastStatus":"SUCCESS"}]},"collectedAt":"2026-12-07T12:00:00.000Z",
             "Evaluations":{"EvaluationResults":[
               {"EvaluationResultIdentifier":{"EvaluationResultQualifier":{"ConfigRuleName":"mfa","ResourceType":"AWS::IAM::User","ResourceId":"AIDA1"}},"ComplianceType":"COMPLIANT"},
               {"EvaluationResultIdentifier":{"EvaluationResultQualifier":{"ConfigRuleName":"mfa","ResourceType":"AWS::IAM::User","ResourceId":"AIDA2"}},"ComplianceType":"NON_COMPLIANT"}]}}
            """);
        var custom = Evidence.Item(AwsKinds.ConfigRule, """
            {"ConfigRule":{"ConfigRuleName":"acme-tags","Source":{"Owner":"CUSTOM_LAMBDA","SourceIdentifier":"arn:aws:lambda:eu-west-1:123456789012:function:tags"}},
             "Evaluations":{"error":{"code":"AccessDeniedException","message":"denied"}}}
            """);

        var results = new Config.Checks.RulesCheck().Evaluate(Evidence.Input(managed, custom)).ToList();

        Assert.Equal(3, results.Count);
        Assert.Equal([FindingStatus.Pass, FindingStatus.Fail], results.Where(r => r.MappingKey == "IAM_USER_MFA_ENABLED").Select(r => r.Status));
        Assert.All(results.Take(2), r => Assert.Equal("aws.config.rule.IAM_USER_MFA_ENABLED", r.CheckId));
        Assert.All(results.Take(2), r => Assert.Contains("mfa", r.Title, StringComparison.Ordinal));
        var error = results[2];
        Assert.Equal("aws.config.rule.custom.acme-tags", error.CheckId);
        Assert.Equal("acme-tags", error.MappingKey);
        Assert.Equal(FindingStatus.Error, error.Status);
    }
}
