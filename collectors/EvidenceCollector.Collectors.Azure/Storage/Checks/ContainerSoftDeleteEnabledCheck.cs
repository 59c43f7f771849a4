using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

/// <summary>The account's blob service keeps deleted containers for a while (<c>containerDeleteRetentionPolicy.enabled</c>; absent means off).</summary>
public sealed class ContainerSoftDeleteEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.container_soft_delete_enabled", "Container soft delete is enabled", Severity.Medium,
        "Without soft delete a container deleted by mistake or by an attacker is gone at once; with it, it can be restored during the retention period.",
        "Enable containerDeleteRetentionPolicy on the account's blob service (7 days or more).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => StorageAccounts.SoftDelete(input, "containerDeleteRetentionPolicy", "containers");
}
