using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

/// <summary>The account's blob service keeps deleted containers for a while (<c>containerDeleteRetentionPolicy.enabled</c>; absent means off). An account without a blob service (FileStorage) is not applicable.</summary>
public sealed class ContainerSoftDeleteEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.container_soft_delete_enabled", "Container soft delete is enabled", Severity.Medium,
        "Without soft delete a container deleted by mistake or by an attacker is gone at once; with it, it can be restored during the retention period.",
        "Enable containerDeleteRetentionPolicy on the account's blob service (7 days or more).");

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

            var policy = ArmJson.Object(ArmJson.Object(services[0], "properties"), "containerDeleteRetentionPolicy");
            return ArmJson.Bool(policy, "enabled") == true
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} keeps deleted containers for {ArmJson.Text(policy, "days") ?? "an unstated number of"} days")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} does not keep deleted containers (containerDeleteRetentionPolicy off or absent)");
        });
}
