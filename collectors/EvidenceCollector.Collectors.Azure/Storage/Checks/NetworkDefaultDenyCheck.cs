using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class NetworkDefaultDenyCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.network_default_deny", "Storage account firewalls deny by default", Severity.Medium,
        "With default action Allow, the account's endpoints accept connections from any network; keys or SAS tokens are then the only barrier.", "Set networkAcls.defaultAction to Deny and allow the networks that need access.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) =>
        {
            // Absent: no firewall, i.e. Allow.
            var action = ArmJson.Text(p, "networkAcls", "defaultAction") ?? "Allow";
            return CheckResult.Of(item, action.Equals("Deny", StringComparison.OrdinalIgnoreCase), $"{ArmJson.Name(item)} denies by default", $"{ArmJson.Name(item)} allows every network by default");
        });
}
