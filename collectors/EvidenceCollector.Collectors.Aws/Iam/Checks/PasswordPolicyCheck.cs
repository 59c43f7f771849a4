using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>One rule over the account password policy; a missing policy (NoSuchEntity) fails.</summary>
public abstract class PasswordPolicyCheck : ICheck
{
    public abstract CheckMetadata Metadata { get; }

    protected abstract (bool Passed, string Message) Judge(JsonElement policy);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.IamPasswordPolicy, [], item =>
        {
            // Only an explicit "no policy" (NoSuchEntity) is a fail; a malformed answer is an error.
            if (item.Payload.Bool("PasswordPolicyPresent") is not { } present)
            {
                return CheckResult.Error(item, "evidence incomplete: PasswordPolicyPresent is missing");
            }

            if (!present)
            {
                return CheckResult.Fail(item, "the account has no IAM password policy");
            }

            if (item.Payload.Prop("PasswordPolicy") is not { ValueKind: System.Text.Json.JsonValueKind.Object } policy)
            {
                return CheckResult.Error(item, "evidence incomplete: the answer has no PasswordPolicy");
            }

            var (passed, message) = Judge(policy);
            return passed ? CheckResult.Pass(item, message) : CheckResult.Fail(item, message);
        });

    protected static CheckMetadata Meta(string id, string title, string rationale, string remediation) =>
        new(Provider.Aws, id, title, Severity.Medium, "AwsAccount", rationale, remediation, [AwsKinds.IamPasswordPolicy]);
}
