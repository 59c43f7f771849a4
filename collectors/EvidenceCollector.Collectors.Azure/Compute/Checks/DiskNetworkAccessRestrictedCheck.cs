using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Compute.Checks;

/// <summary>A managed disk cannot be exported or imported from any network: <c>networkAccessPolicy</c> DenyAll or AllowPrivate (absent means AllowAll).</summary>
public sealed class DiskNetworkAccessRestrictedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.compute.disk_network_access_restricted", "Managed disks are not exportable from any network", Severity.Medium, "AzureManagedDisk",
        "A disk that allows access from all networks can have a SAS URL generated and its whole content downloaded from anywhere.",
        "Set the disk's networkAccessPolicy to DenyAll, or AllowPrivate through a disk access resource, and publicNetworkAccess to Disabled.", AzureKinds.Disk);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.Disk, (item, p) => (ArmJson.Text(p, "networkAccessPolicy") ?? "AllowAll") switch
        {
            "DenyAll" => CheckResult.Pass(item, $"{ArmJson.Name(item)} denies export and import from every network"),
            "AllowPrivate" => CheckResult.Pass(item, $"{ArmJson.Name(item)} is reachable through its private disk access only"),
            var policy => CheckResult.Fail(item, $"{ArmJson.Name(item)} allows export and import from any network (networkAccessPolicy {policy})"),
        });
}
