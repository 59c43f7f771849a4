using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

public sealed class PublicNetworkAccessDisabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Vaults.Meta("azure.keyvault.public_network_access_disabled", "Key vaults are not open to every network", Severity.Medium,
        "A vault reachable from any network depends on its credentials alone; private endpoints or a default-deny firewall narrow who can even try.", "Set publicNetworkAccess to Disabled (private endpoints), or networkAcls.defaultAction to Deny.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Vaults.Each(input, (item, p) =>
        {
            var access = ArmJson.Text(p, "publicNetworkAccess") ?? "Enabled";
            var firewall = ArmJson.Text(p, "networkAcls", "defaultAction") ?? "Allow";
            var closed = access.Equals("Disabled", StringComparison.OrdinalIgnoreCase) || firewall.Equals("Deny", StringComparison.OrdinalIgnoreCase);
            return CheckResult.Of(item, closed, $"{ArmJson.Name(item)}: public network access {access}, firewall default {firewall}", $"{ArmJson.Name(item)} accepts connections from every network");
        });
}
