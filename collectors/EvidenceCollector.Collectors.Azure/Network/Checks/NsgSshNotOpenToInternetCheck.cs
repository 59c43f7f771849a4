using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

public sealed class NsgSshNotOpenToInternetCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.network.nsg_ssh_not_open_to_internet", "Network security groups do not open SSH (22) to the internet", Severity.High, "AzureNetworkSecurityGroup",
        "Inbound SSH from anywhere on the internet is scanned and brute-forced within minutes of being exposed.",
        "Remove or narrow the rule: allow SSH from known address ranges only, or use Azure Bastion or just-in-time access.", AzureKinds.NetworkSecurityGroup);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.NetworkSecurityGroup, (item, p) => NsgRules.Exposing(p, 22, "Tcp") is { } rule
            ? CheckResult.Fail(item, $"{ArmJson.Name(item)} lets the internet reach SSH through rule {rule}")
            : CheckResult.Pass(item, $"{ArmJson.Name(item)} does not let the internet reach SSH"));
}
