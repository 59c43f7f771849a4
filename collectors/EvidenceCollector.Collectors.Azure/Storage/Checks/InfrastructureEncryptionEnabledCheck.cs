using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class InfrastructureEncryptionEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.infrastructure_encryption_enabled", "Storage accounts encrypt at the infrastructure layer too", Severity.Low,
        "Double encryption protects data at rest if one encryption layer or key is compromised.", "Create accounts with requireInfrastructureEncryption (it cannot be switched on later); consider customer-managed keys.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) =>
        {
            if (ArmJson.Text(p, "encryption", "keySource") is not { } source)
            {
                return CheckResult.Error(item, $"{ArmJson.Name(item)}: encryption.keySource is not in the evidence");
            }

            var infrastructure = ArmJson.Text(p, "encryption", "requireInfrastructureEncryption") == bool.TrueString;
            return CheckResult.Of(item, infrastructure, $"{ArmJson.Name(item)}: infrastructure encryption on, key source {source}", $"{ArmJson.Name(item)}: no infrastructure encryption (key source {source})");
        });
}
