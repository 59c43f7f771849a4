using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Compute.Checks;

/// <summary>Every disk of a VM (OS and data) is a managed disk, not a VHD blob in a storage account.</summary>
public sealed class VmManagedDisksCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.compute.vm_managed_disks", "Virtual machines use managed disks only", Severity.Medium, "AzureVirtualMachine",
        "An unmanaged disk is a page blob in a storage account: anyone with the account key can read it and it escapes disk encryption sets and disk access policies.",
        "Convert the VM to managed disks.", AzureKinds.VirtualMachine);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.VirtualMachine, (item, p) =>
        {
            var storage = ArmJson.Object(p, "storageProfile");
            var os = ArmJson.Object(storage, "osDisk");
            if (os.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return CheckResult.Error(item, $"{ArmJson.Name(item)} has no storageProfile.osDisk");
            }

            var unmanaged = new[] { os }.Concat(ArmJson.Objects(storage, "dataDisks"))
                .Where(d => ArmJson.Object(d, "managedDisk").ValueKind != System.Text.Json.JsonValueKind.Object)
                .Select(d => ArmJson.Text(d, "name") ?? "unnamed").ToList();
            return unmanaged.Count == 0
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} uses managed disks only")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} has unmanaged disks: {string.Join(", ", unmanaged)}");
        });
}
