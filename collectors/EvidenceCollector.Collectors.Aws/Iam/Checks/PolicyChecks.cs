using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>A managed policy (of one scope) whose default version is administrator access (<see cref="Privilege"/>).</summary>
public abstract class PolicyNoAdminCheck : ICheck
{
    public abstract CheckMetadata Metadata { get; }

    protected abstract string Scope { get; }

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.IamPolicy, ["PolicyVersion"], item =>
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

            var admin = Privilege.DocumentAllowsAdmin(document);
            return CheckResult.Of(item, !admin, "the policy is not administrator access", "the policy allows every action on every resource (or everything but a few actions, IAM included)");
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
        EvidenceChecks.Each(input, AwsKinds.IamUser, ["AttachedPolicies", "InlinePolicies"], item =>
        {
            var attached = item.Payload.Path("AttachedPolicies").GetValueOrDefault().Array("AttachedPolicies").Count();
            var inline = item.Payload.Path("InlinePolicies").GetValueOrDefault().Array("PolicyNames").Count();
            return CheckResult.Of(item, attached + inline == 0, "no policy attached directly",
                $"{attached} managed and {inline} inline policies attached directly to the user");
        });
}

/// <summary>
/// No IAM user holds administrator access: through a managed policy attached to it, an inline policy, or a group
/// it belongs to (the group's attached and inline policies). A part that could not be read (a section in
/// error, a group or policy listing that failed, an attached policy not collected) makes a user with no
/// administrator access found an <c>error</c>, never a pass.
/// </summary>
public sealed class UserNoAdministratorAccessCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.user_no_administrator_access", "No IAM user holds administrator access (directly, inline or through a group)", Severity.Critical, "AwsIamUser",
        "Standing full administrative rights on a long-lived user identity is the privileged access the standard asks to restrict.",
        "Remove administrator policies from users and their groups; use roles assumed on demand for administration.",
        [AwsKinds.IamUser, AwsKinds.IamGroup, AwsKinds.IamPolicy]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var policies = Privilege.PoliciesByArn(input);
        var policiesIncomplete = input.IncompleteKinds.Contains(AwsKinds.IamPolicy);
        var groups = input.OfKind(AwsKinds.IamGroup).ToList();
        var groupsIncomplete = input.IncompleteKinds.Contains(AwsKinds.IamGroup);
        var unreadableMembers = groups.Where(g => g.Payload.SectionError("Members") is not null).ToList();

        // Each group judged once, whatever the number of its members.
        var groupVerdicts = groups.Where(g => g.Payload.SectionError("Members") is null).ToDictionary(
            g => g,
            g => Privilege.Judge(g, $"group {g.Payload.Path("Group")?.Str("GroupName") ?? g.ResourceId}", policies, policiesIncomplete));

        return EvidenceChecks.Each(input, AwsKinds.IamUser, [], user =>
        {
            var arn = user.ResourceId;
            var name = user.Payload.Path("User")?.Str("UserName");
            var (admin, unknown, used) = Privilege.Judge(user, "the user", policies, policiesIncomplete);
            if (admin is null)
            {
                foreach (var (group, verdict) in groupVerdicts)
                {
                    var members = group.Payload.Path("Members").GetValueOrDefault().Array("Users");
                    if (!members.Any(m => m.Str("Arn") == arn || (name is not null && m.Str("UserName") == name)))
                    {
                        continue;
                    }

                    used.AddRange(verdict.Used);
                    if (verdict.Admin is not null)
                    {
                        admin = $"{verdict.Admin} (the user is a member)";
                        break;
                    }

                    unknown ??= verdict.Unknown;
                }
            }

            if (admin is null && unknown is null && (groupsIncomplete || unreadableMembers.Count > 0))
            {
                used.AddRange(unreadableMembers);
                unknown = groupsIncomplete ? "the account's groups could not be listed, so group memberships are unknown" : "the members of some groups could not be read";
            }

            var status = admin is not null ? FindingStatus.Fail : unknown is not null ? FindingStatus.Error : FindingStatus.Pass;
            return EvidenceChecks.Result(arn, user.Region, status, admin ?? unknown ?? "no administrator access directly, inline or through a group", used);
        });
    }
}

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
