using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class CustomerPolicyNoAdminCheck : PolicyNoAdminCheck
{
    public override CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.customer_policy_no_admin", "Customer-managed policies do not allow * on *", Severity.High, "AwsIamPolicy",
        "Full administrative policies defeat least privilege; privileged access should be granted deliberately and narrowly.",
        "Replace \"Action\": \"*\" / \"Resource\": \"*\" statements with the actions and resources the role needs.",
        [AwsKinds.IamPolicy], ItemByItem: true);

    protected override string Scope => "Local";
}
