using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Compute.Checks;

/// <summary>A VM encrypts its temporary disk and caches on the host (<c>securityProfile.encryptionAtHost</c>; absent means off).</summary>
public sealed class VmEncryptionAtHostCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.compute.vm_encryption_at_host", "Virtual machines encrypt at host", Severity.Medium, "AzureVirtualMachine",
        "Without encryption at host the temporary disk and the disk caches on the host are not encrypted at rest.",
        "Enable encryptionAtHost in the VM's security profile (the subscription feature EncryptionAtHost must be registered).", AzureKinds.VirtualMachine);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.VirtualMachine, (item, p) => ArmJson.Bool(ArmJson.Object(p, "securityProfile"), "encryptionAtHost") == true
            ? CheckResult.Pass(item, $"{ArmJson.Name(item)} encrypts at host")
            : CheckResult.Fail(item, $"{ArmJson.Name(item)} does not encrypt at host (encryptionAtHost off or absent)"));
}
