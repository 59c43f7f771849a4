using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Authorization.Checks;

/// <summary>Between 2 and 3 principals hold Owner directly at the subscription; inherited Owners are named, not counted.</summary>
public sealed class SubscriptionOwners2To3Check : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Azure, "azure.authorization.subscription_owners_2_to_3", "Subscriptions have between 2 and 3 direct Owners", Severity.High, "AzureSubscription",
        "One Owner is a single point of failure for administration; more than three widens the group that can change anything, access included.",
        "Assign Owner at the subscription scope to two or three named principals (a group counts as one); use narrower roles for everyone else.",
        [AzureKinds.RoleAssignment]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        if (RoleAssignments.Unjudgeable(input, out var assignments) is { } error)
        {
            return [error];
        }

        var subscription = RoleAssignments.Subscription(input);
        var all = input.OfKind(AzureKinds.RoleAssignment).ToList();

        var owners = assignments.Where(a => a.Role == RoleAssignments.Owner).ToList();
        var direct = owners.Where(a => RoleAssignments.AtSubscription(a, input)).ToList();
        var principals = direct.Select(a => a.PrincipalId).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var inherited = owners.Where(RoleAssignments.Inherited).Select(a => a.PrincipalId).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var message = $"{principals.Count} direct Owner(s){(principals.Count > 0 ? ": " + string.Join(", ", principals) : string.Empty)}; {inherited} inherited from management groups (not counted)";
        return [EvidenceChecks.Result(subscription, Target.Global, principals.Count is >= 2 and <= 3 ? FindingStatus.Pass : FindingStatus.Fail, message, direct.Count > 0 ? direct.Select(a => a.Item) : all)];
    }
}
