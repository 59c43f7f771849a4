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
        if (RoleAssignments.Unjudgeable(input, out var assignments) is { } error)
        {
            return [error];
        }

        var subscription = RoleAssignments.Subscription(input);
        if (assignments.Count == 0)
        {
            // Nothing to judge is not evidence of compliance.
            return [new CheckResult(subscription, Target.Global, FindingStatus.NotApplicable, "no role assignment is visible at the subscription", [])];
        }


        var held = assignments.Where(a => a.Role == RoleAssignments.UserAccessAdministrator && RoleAssignments.AtSubscription(a, input)).ToList();
        return held.Count == 0
            ? [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Pass, $"no User Access Administrator assignment among {assignments.Count} at or above the subscription", assignments.Select(a => a.Item))]
            : held.Select(a => CheckResult.Fail(a.Item, $"{a.PrincipalType} {a.PrincipalId} holds User Access Administrator at the subscription")).ToList();
    }
}
