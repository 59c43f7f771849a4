using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class UserNoDirectPoliciesCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.user_no_direct_policies", "IAM users get permissions only through groups or roles", Severity.Low, "AwsIamUser",
        "Permissions attached to individual users are hard to review and drift from the role model.",
        "Move managed and inline user policies to groups (or roles) and add the user to the group.",
        [AwsKinds.IamUser], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.IamUser, ["AttachedPolicies", "InlinePolicies"], item =>
        {
            var attached = item.Payload.Path("AttachedPolicies").GetValueOrDefault().Array("AttachedPolicies").Count();
            var inline = item.Payload.Path("InlinePolicies").GetValueOrDefault().Array("PolicyNames").Count();
            return CheckResult.Of(item, attached + inline == 0, "no policy attached directly",
                $"{attached} managed and {inline} inline policies attached directly to the user");
        });
}
