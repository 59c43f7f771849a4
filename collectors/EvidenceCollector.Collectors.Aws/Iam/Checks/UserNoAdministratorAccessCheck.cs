using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

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
