using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class AwsAttachedPolicyNoAdminCheck : PolicyNoAdminCheck
{
    public override CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.aws_attached_policy_no_admin", "No attached AWS-managed policy allows * on *", Severity.Critical, "AwsIamPolicy",
        "An attached AdministratorAccess-like policy gives someone unrestricted rights; it should be rare and reviewed.",
        "Detach AWS-managed administrative policies; grant scoped policies or use break-glass roles.",
        [AwsKinds.IamPolicy], ItemByItem: true);

    protected override string Scope => "AWS";
}
