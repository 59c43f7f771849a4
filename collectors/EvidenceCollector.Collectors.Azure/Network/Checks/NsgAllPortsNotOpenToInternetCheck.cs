using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

public sealed class NsgAllPortsNotOpenToInternetCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.network.nsg_all_ports_not_open_to_internet", "Network security groups do not open every port to the internet", Severity.Critical, "AzureNetworkSecurityGroup",
        "Inbound every port from anywhere on the internet is scanned and brute-forced within minutes of being exposed.",
        "Remove or narrow the rule: allow every port from known address ranges only, or use Azure Bastion or just-in-time access.", AzureKinds.NetworkSecurityGroup);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.NetworkSecurityGroup, (item, p) => NsgRules.Exposing(p, null, "*") is { } rule
            ? CheckResult.Fail(item, $"{ArmJson.Name(item)} lets the internet reach every port through rule {rule}")
            : CheckResult.Pass(item, $"{ArmJson.Name(item)} does not let the internet reach every port"));
}
