using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

public sealed class SoftDeleteEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Vaults.Meta("azure.keyvault.soft_delete_enabled", "Key vaults keep deleted keys and secrets recoverable (soft delete)", Severity.High,
        "Without soft delete, a deleted key is gone at once, and with it every piece of data it encrypts.", "Enable soft delete (it cannot be turned off again), with a retention of 90 days.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Vaults.Each(input, (item, p) => CheckResult.Of(item, ArmJson.Bool(p, "enableSoftDelete") == true,
            $"{ArmJson.Name(item)} keeps deleted objects for {ArmJson.Text(p, "softDeleteRetentionInDays") ?? "the default"} days",
            $"{ArmJson.Name(item)} does not keep deleted objects (enableSoftDelete {ArmJson.Text(p, "enableSoftDelete") ?? "not set"})"));
}
