using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>A managed policy (of one scope) whose default version allows <c>*</c> on <c>*</c>.</summary>
public abstract class PolicyNoAdminCheck : ICheck
{
    public abstract CheckMetadata Metadata { get; }

    protected abstract string Scope { get; }

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.IamPolicy, ["PolicyVersion"], item =>
        {
            if (item.Payload.Str("Scope") != Scope)
            {
                return null;
            }

            if (item.Payload.Path("PolicyVersion", "Document") is not { } document)
            {
                return CheckResult.Error(item, "the policy version has no document");
            }

            if (!CheckSupport.HasStatements(document))
            {
                return CheckResult.Error(item, "the policy document has no readable Statement");
            }

            var admin = CheckSupport.Statements(document).Any(CheckSupport.AllowsAdmin);
            return CheckResult.Of(item, !admin, "the policy does not allow * on *", "the policy allows every action on every resource");
        });
}

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

public sealed class UserNoDirectPoliciesCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.user_no_direct_policies", "IAM users get permissions only through groups or roles", Severity.Low, "AwsIamUser",
        "Permissions attached to individual users are hard to review and drift from the role model.",
        "Move managed and inline user policies to groups (or roles) and add the user to the group.",
        [AwsKinds.IamUser], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.IamUser, ["AttachedPolicies", "InlinePolicies"], item =>
        {
            var attached = item.Payload.Path("AttachedPolicies").GetValueOrDefault().Array("AttachedPolicies").Count();
            var inline = item.Payload.Path("InlinePolicies").GetValueOrDefault().Array("PolicyNames").Count();
            return CheckResult.Of(item, attached + inline == 0, "no policy attached directly",
                $"{attached} managed and {inline} inline policies attached directly to the user");
        });
}

public sealed class UserNoAdministratorAccessCheck : ICheck
{
    public const string AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";

    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.user_no_administrator_access", "No IAM user has AdministratorAccess attached", Severity.Critical, "AwsIamUser",
        "Standing full administrative rights on a long-lived user identity is the privileged access the standard asks to restrict.",
        "Detach AdministratorAccess from users; use roles assumed on demand for administration.",
        [AwsKinds.IamUser], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.IamUser, ["AttachedPolicies"], item =>
        {
            // Any partition (aws, aws-us-gov, aws-cn): arn:<partition>:iam::aws:policy/AdministratorAccess.
            var admin = item.Payload.Path("AttachedPolicies").GetValueOrDefault().Array("AttachedPolicies")
                .Any(p => p.Str("PolicyArn") is { } arn && arn.StartsWith("arn:", StringComparison.Ordinal) && arn.EndsWith(":iam::aws:policy/AdministratorAccess", StringComparison.Ordinal));
            return CheckResult.Of(item, !admin, "AdministratorAccess not attached", "AdministratorAccess is attached to the user");
        });
}
