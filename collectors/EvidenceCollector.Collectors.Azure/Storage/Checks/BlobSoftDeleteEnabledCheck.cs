using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

/// <summary>The account's blob service keeps deleted blobs for a while (<c>deleteRetentionPolicy.enabled</c>; absent means off).</summary>
public sealed class BlobSoftDeleteEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.blob_soft_delete_enabled", "Blob soft delete is enabled", Severity.Medium,
        "Without soft delete a blob deleted by mistake or by an attacker is gone at once; with it, it can be restored during the retention period.",
        "Enable deleteRetentionPolicy on the account's blob service (7 days or more).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => StorageAccounts.SoftDelete(input, "deleteRetentionPolicy", "blobs");
}
