using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Authorization.Checks;

/// <summary>No principal holds User Access Administrator at the subscription: it can grant itself any role.</summary>
public sealed class UserAccessAdministratorNotAssignedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Azure, "azure.authorization.user_access_administrator_not_assigned", "No User Access Administrator assignments at subscription scope", Severity.High, "AzureRoleAssignment",
        "User Access Administrator can assign any role, Owner included, to anyone: a standing assignment is privileged access outside the Owner group.",
        "Remove standing User Access Administrator assignments; grant it just in time (PIM) when access must be delegated.",
        [AzureKinds.RoleAssignment]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        if (RoleAssignments.NothingToJudge(input, out var assignments) is { } early)
        {
            return [early];
        }

        var subscription = RoleAssignments.Subscription(input);
        var held = assignments.Where(a => a.Role == RoleAssignments.UserAccessAdministrator && RoleAssignments.AtSubscription(a, input)).ToList();
        return held.Count == 0
            ? [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Pass, $"no User Access Administrator assignment among {assignments.Count} at or above the subscription", assignments.Select(a => a.Item))]
            : held.Select(a => CheckResult.Fail(a.Item, $"{a.PrincipalType} {a.PrincipalId} holds User Access Administrator at the subscription")).ToList();
    }
}
