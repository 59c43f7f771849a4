using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

public sealed class RbacAuthorizationEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Vaults.Meta("azure.keyvault.rbac_authorization_enabled", "Key vaults authorize data access through Azure RBAC", Severity.Medium,
        "Vault access policies are granted per vault, outside role assignments and their reviews; RBAC puts vault access under the same control as the rest.", "Set enableRbacAuthorization to true and move access policies to role assignments.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Vaults.Each(input, (item, p) => CheckResult.Of(item, ArmJson.Bool(p, "enableRbacAuthorization") == true,
            $"{ArmJson.Name(item)} uses Azure RBAC", $"{ArmJson.Name(item)} uses vault access policies"));
}
