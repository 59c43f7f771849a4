using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Compute.Checks;

/// <summary>A VM boots with Trusted Launch (or as a confidential VM) and secure boot on.</summary>
public sealed class VmTrustedLaunchCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.compute.vm_trusted_launch", "Virtual machines use Trusted Launch with secure boot", Severity.Low, "AzureVirtualMachine",
        "Secure boot and a virtual TPM stop boot kits and rootkits from loading before the operating system.",
        "Deploy the VM with securityType TrustedLaunch and secureBootEnabled and vTpmEnabled set.", AzureKinds.VirtualMachine);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.VirtualMachine, (item, p) =>
        {
            var security = ArmJson.Object(p, "securityProfile");
            var type = ArmJson.Text(security, "securityType");
            var secureBoot = ArmJson.Bool(ArmJson.Object(security, "uefiSettings"), "secureBootEnabled") == true;
            return type is "TrustedLaunch" or "ConfidentialVM" && secureBoot
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} boots as {type} with secure boot")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} boots without Trusted Launch and secure boot (securityType {type ?? "Standard"}, secure boot {(secureBoot ? "on" : "off")})");
        });
}
