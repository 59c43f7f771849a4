using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Authorization.Checks;

/// <summary>What the assignment checks read from a role assignment's ARM JSON.</summary>
internal static class RoleAssignments
{
    /// <summary>Built-in role definition names (GUIDs, the same in every tenant).</summary>
    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

    public sealed record Assignment(EvidenceItem Item, string Role, string PrincipalId, string PrincipalType, string Scope);

    /// <summary>The subscription's ARM id, on which subscription-wide findings are reported.</summary>
    public static string Subscription(CheckInput input) => $"/subscriptions/{input.Account}";

    /// <summary>The assignments, or the first that cannot be read (a missing property is never taken as "not privileged").</summary>
    public static (List<Assignment> Assignments, EvidenceItem? Unreadable) Read(CheckInput input)
    {
        var read = new List<Assignment>();
        foreach (var item in input.OfKind(AzureKinds.RoleAssignment))
        {
            if (!item.Payload.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object
                || Text(p, "roleDefinitionId") is not { } role || Text(p, "principalId") is not { } principal || Text(p, "scope") is not { } scope)
            {
                return (read, item);
            }

            read.Add(new Assignment(item, role.Split('/')[^1].ToLowerInvariant(), principal, Text(p, "principalType") ?? "unknown", scope));
        }

        return (read, null);
    }

    /// <summary>
    /// Null when the account's assignments can be judged (<paramref name="assignments"/>); otherwise the error to
    /// report: a listing that failed somewhere (nothing may be concluded from a part), or an assignment that cannot be read.
    /// </summary>
    public static CheckResult? Unjudgeable(CheckInput input, out List<Assignment> assignments)
    {
        if (input.IncompleteKinds.Contains(AzureKinds.RoleAssignment))
        {
            assignments = [];
            return EvidenceChecks.Result(Subscription(input), Target.Global, FindingStatus.Error, "role assignments could not all be listed, so nothing can be concluded from them", input.OfKind(AzureKinds.RoleAssignment));
        }

        (assignments, var unreadable) = Read(input);
        return unreadable is null ? null : CheckResult.Error(unreadable, "a role assignment without roleDefinitionId, principalId or scope cannot be judged");
    }

    /// <summary>
    /// As <see cref="Unjudgeable"/>, and not_applicable when no assignment is visible at all: a check that passes on
    /// "none of them is privileged" needs some assignment to say it of (nothing to judge is not evidence of compliance).
    /// </summary>
    public static CheckResult? NothingToJudge(CheckInput input, out List<Assignment> assignments)
    {
        if (Unjudgeable(input, out assignments) is { } error)
        {
            return error;
        }

        return assignments.Count == 0
            ? new CheckResult(Subscription(input), Target.Global, FindingStatus.NotApplicable, "no role assignment is visible at the subscription", [])
            : null;
    }

    /// <summary>Assigned directly at the subscription (not inherited from a management group, not on a resource group or resource below).</summary>
    public static bool AtSubscription(Assignment a, CheckInput input) => string.Equals(a.Scope.TrimEnd('/'), Subscription(input), StringComparison.OrdinalIgnoreCase);

    public static bool Inherited(Assignment a) => a.Scope.StartsWith("/providers/Microsoft.Management/managementGroups/", StringComparison.OrdinalIgnoreCase) || a.Scope == "/";

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
