using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

public sealed class ServerPublicNetworkAccessDisabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SqlServers.Server("azure.sql.server_public_network_access_disabled", "SQL servers are not reachable from public networks", Severity.High,
        "A server with public network access answers logins from the internet, protected only by its firewall rules and passwords.",
        "Set publicNetworkAccess to Disabled and reach the server through private endpoints.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlServer, (item, p) => ArmJson.Text(p, "publicNetworkAccess") switch
        {
            "Disabled" => CheckResult.Pass(item, $"{ArmJson.Name(item)} has public network access disabled"),
            // Absent: the default, Enabled.
            var value => CheckResult.Fail(item, $"{ArmJson.Name(item)} accepts connections from public networks (publicNetworkAccess {value ?? "not set: Enabled"})"),
        });
}
