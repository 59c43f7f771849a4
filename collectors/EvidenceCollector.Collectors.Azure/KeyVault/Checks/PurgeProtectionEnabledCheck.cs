using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

public sealed class PurgeProtectionEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Vaults.Meta("azure.keyvault.purge_protection_enabled", "Key vaults are protected from purge", Severity.Medium,
        "Soft delete alone lets an administrator, or an attacker with their rights, purge a deleted key before its retention ends.", "Enable purge protection (it cannot be turned off again).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Vaults.Each(input, (item, p) => ArmJson.Bool(p, "enablePurgeProtection") == true
            ? CheckResult.Pass(item, $"{ArmJson.Name(item)} has purge protection")
            // Absent means off: ARM leaves the property out until it is enabled.
            : CheckResult.Fail(item, $"{ArmJson.Name(item)} has no purge protection"));
}
