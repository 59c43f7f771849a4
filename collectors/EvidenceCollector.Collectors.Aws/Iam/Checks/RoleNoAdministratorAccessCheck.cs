using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>
/// No IAM role holds administrator access through its attached or inline policies, service-linked roles
/// (path <c>/aws-service-role/</c>, managed by AWS services) excepted. A standing administrator role is
/// privileged access to review: break-glass roles belong here too, as evidence that they exist.
/// </summary>
public sealed class RoleNoAdministratorAccessCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.role_no_administrator_access", "No IAM role holds administrator access", Severity.High, "AwsIamRole",
        "A role with administrator access is standing privileged access for everyone its trust policy admits; it should be rare, scoped and reviewed.",
        "Scope the role's policies to what its job needs; keep administrator access to a reviewed break-glass role with MFA in its trust policy.",
        [AwsKinds.IamRole, AwsKinds.IamPolicy]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var policies = Privilege.PoliciesByArn(input);
        var policiesIncomplete = input.IncompleteKinds.Contains(AwsKinds.IamPolicy);
        return EvidenceChecks.Each(input, AwsKinds.IamRole, [], role =>
        {
            var path = role.Payload.Path("Role")?.Str("Path") ?? "/";
            if (path.StartsWith("/aws-service-role/", StringComparison.Ordinal))
            {
                return CheckResult.NotApplicable(role, "service-linked role: its permissions are set by the AWS service");
            }

            var (admin, unknown, used) = Privilege.Judge(role, "the role", policies, policiesIncomplete);
            var status = admin is not null ? FindingStatus.Fail : unknown is not null ? FindingStatus.Error : FindingStatus.Pass;
            return EvidenceChecks.Result(role.ResourceId, role.Region, status, admin ?? unknown ?? "no administrator access attached or inline", used);
        });
    }
}
