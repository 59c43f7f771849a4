using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Authorization.Checks;

/// <summary>No service principal (or managed identity) holds Owner at the subscription.</summary>
public sealed class ServicePrincipalNotOwnerCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Azure, "azure.authorization.service_principal_not_owner", "Service principals do not hold Owner at subscription scope", Severity.High, "AzureRoleAssignment",
        "A workload identity with Owner turns any leak of its secret or token into full control of the subscription, access management included.",
        "Give automation the narrowest built-in or custom role it needs (Contributor at most), scoped to its resource group.",
        [AzureKinds.RoleAssignment]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        if (RoleAssignments.NothingToJudge(input, out var assignments) is { } early)
        {
            return [early];
        }

        var subscription = RoleAssignments.Subscription(input);
        var owners = assignments.Where(a => a.Role == RoleAssignments.Owner && RoleAssignments.AtSubscription(a, input)).ToList();
        var unknown = owners.FirstOrDefault(a => a.PrincipalType == "unknown");
        if (unknown is not null)
        {
            return [CheckResult.Error(unknown.Item, $"Owner assignment to {unknown.PrincipalId} has no principalType, so it cannot be told whether a service principal holds it")];
        }

        var services = owners.Where(a => a.PrincipalType.Equals("ServicePrincipal", StringComparison.OrdinalIgnoreCase)).ToList();
        return services.Count == 0
            ? [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Pass, $"{owners.Count} direct Owner assignment(s), none to a service principal", owners.Count > 0 ? owners.Select(a => a.Item) : assignments.Select(a => a.Item))]
            : services.Select(a => CheckResult.Fail(a.Item, $"service principal {a.PrincipalId} holds Owner at the subscription")).ToList();
    }
}
