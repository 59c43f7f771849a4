using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

/// <summary>The account's blob service keeps deleted blobs for a while (<c>deleteRetentionPolicy.enabled</c>; absent means off). An account without a blob service (FileStorage) is not applicable.</summary>
public sealed class BlobSoftDeleteEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.blob_soft_delete_enabled", "Blob soft delete is enabled", Severity.Medium,
        "Without soft delete a blob deleted by mistake or by an attacker is gone at once; with it, it can be restored during the retention period.",
        "Enable deleteRetentionPolicy on the account's blob service (7 days or more).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, _) =>
        {
            var (services, error) = ArmJson.RelatedList(item, "blobServices");
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            if (services.Count == 0)
            {
                return CheckResult.NotApplicable(item, $"{ArmJson.Name(item)} has no blob service");
            }

            var policy = ArmJson.Object(ArmJson.Object(services[0], "properties"), "deleteRetentionPolicy");
            return ArmJson.Bool(policy, "enabled") == true
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} keeps deleted blobs for {ArmJson.Text(policy, "days") ?? "an unstated number of"} days")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} does not keep deleted blobs (deleteRetentionPolicy off or absent)");
        });
}
