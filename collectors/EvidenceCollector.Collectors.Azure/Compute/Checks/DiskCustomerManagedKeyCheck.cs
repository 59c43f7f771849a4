using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Compute.Checks;

/// <summary>A managed disk is encrypted with a customer-managed key (a disk encryption set), not only the platform key.</summary>
public sealed class DiskCustomerManagedKeyCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.compute.disk_customer_managed_key", "Managed disks are encrypted with a customer-managed key", Severity.Medium, "AzureManagedDisk",
        "With the platform key only, the organisation cannot revoke access to the data or prove who controls the key; a customer-managed key in Key Vault gives both.",
        "Create a disk encryption set with a key in Key Vault and assign it to the disk (encryption type EncryptionAtRestWithCustomerKey).", AzureKinds.Disk);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.Disk, (item, p) =>
        {
            var encryption = ArmJson.Object(p, "encryption");
            var type = ArmJson.Text(encryption, "type");
            return type switch
            {
                "EncryptionAtRestWithCustomerKey" or "EncryptionAtRestWithPlatformAndCustomerKeys" => CheckResult.Pass(item, $"{ArmJson.Name(item)} is encrypted with a customer-managed key ({type})"),
                null when ArmJson.Text(encryption, "diskEncryptionSetId") is { Length: > 0 } => CheckResult.Pass(item, $"{ArmJson.Name(item)} is encrypted through disk encryption set {ArmJson.Text(encryption, "diskEncryptionSetId")}"),
                "EncryptionAtRestWithPlatformKey" => CheckResult.Fail(item, $"{ArmJson.Name(item)} is encrypted with the platform-managed key only"),
                null => CheckResult.Error(item, $"{ArmJson.Name(item)} does not state its encryption type"),
                _ => CheckResult.Error(item, $"{ArmJson.Name(item)} has an unknown encryption type {type}"),
            };
        });
}
