using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

public sealed class ServerAuditingEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SqlServers.Server("azure.sql.server_auditing_enabled", "SQL servers audit database activity", Severity.High,
        "Server auditing records logins, queries and permission changes on every database; without it there is no record of who did what to the data.",
        "Enable auditing on the server (auditingSettings state Enabled) to a storage account, Log Analytics workspace or event hub.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlServer, (item, _) =>
        {
            var (policy, error) = SqlServers.Auditing(item);
            return error is not null ? CheckResult.Error(item, error) : ArmJson.Text(policy, "state") switch
            {
                "Enabled" => CheckResult.Pass(item, $"{ArmJson.Name(item)} audits its databases"),
                null => CheckResult.Error(item, $"the auditing policy of {ArmJson.Name(item)} states no state"),
                var state => CheckResult.Fail(item, $"{ArmJson.Name(item)} does not audit (auditing {state})"),
            };
        });
}
