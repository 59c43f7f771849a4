using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Authorization.Checks;

/// <summary>No custom role grants every action (<c>*</c>); built-in Owner and Contributor are not custom roles.</summary>
public sealed class CustomRoleNoWildcardActionsCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Azure, "azure.authorization.custom_role_no_wildcard_actions", "Custom roles do not grant all actions (*)", Severity.High, "AzureRoleDefinition",
        "A custom role with '*' actions is an Owner by another name that no review of Owner assignments will find.",
        "Replace '*' with the operations the role needs; use built-in roles where they fit.",
        [AzureKinds.RoleDefinition], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AzureKinds.RoleDefinition, ["properties"], item =>
        {
            var p = item.Payload.GetProperty("properties");
            var name = p.TryGetProperty("roleName", out var n) ? n.GetString() : item.ResourceId;
            if (p.TryGetProperty("type", out var t) && t.GetString() is { } type && !type.Equals("CustomRole", StringComparison.OrdinalIgnoreCase))
            {
                return CheckResult.NotApplicable(item, $"{name} is a {type}, not a custom role");
            }

            if (!p.TryGetProperty("permissions", out var permissions) || permissions.ValueKind != JsonValueKind.Array)
            {
                return CheckResult.Error(item, $"custom role {name} has no permissions array in the evidence");
            }

            var wildcard = permissions.EnumerateArray().Any(perm => perm.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array
                && actions.EnumerateArray().Any(a => a.GetString() == "*"));
            return CheckResult.Of(item, !wildcard, $"custom role {name} names its actions", $"custom role {name} grants '*' (every action)");
        });
}
