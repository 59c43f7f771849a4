using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

public sealed class NsgRdpNotOpenToInternetCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.network.nsg_rdp_not_open_to_internet", "Network security groups do not open RDP (3389) to the internet", Severity.High, "AzureNetworkSecurityGroup",
        "Inbound RDP from anywhere on the internet is scanned and brute-forced within minutes of being exposed.",
        "Remove or narrow the rule: allow RDP from known address ranges only, or use Azure Bastion or just-in-time access.", AzureKinds.NetworkSecurityGroup);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.NetworkSecurityGroup, (item, p) => NsgRules.Exposing(p, 3389, "Tcp") is { } rule
            ? CheckResult.Fail(item, $"{ArmJson.Name(item)} lets the internet reach RDP through rule {rule}")
            : CheckResult.Pass(item, $"{ArmJson.Name(item)} does not let the internet reach RDP"));
}
