using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>An auditing server keeps its storage audit logs at least 90 days (0: for ever); audit to Azure Monitor only is kept by the workspace's retention.</summary>
public sealed class ServerAuditRetention90DaysCheck : ICheck
{
    public const int Days = 90;

    public CheckMetadata Metadata { get; } = SqlServers.Server("azure.sql.server_audit_retention_90_days", "SQL server audit logs are kept for at least 90 days", Severity.Low,
        "Audit records deleted after a few days are gone before most data breaches are discovered.",
        "Set the auditing policy's retentionDays to 0 (unlimited) or 90 and more.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlServer, (item, _) =>
        {
            var (policy, error) = SqlServers.Auditing(item);
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            if (ArmJson.Text(policy, "state") != "Enabled")
            {
                return CheckResult.Fail(item, $"{ArmJson.Name(item)} does not audit, so it keeps no audit log");
            }

            if (ArmJson.Text(policy, "storageEndpoint") is not { Length: > 0 } && ArmJson.Bool(policy, "isAzureMonitorTargetEnabled") == true)
            {
                return CheckResult.Pass(item, $"{ArmJson.Name(item)} audits to Azure Monitor, whose workspace retention applies");
            }

            var days = ArmJson.Number(policy, "retentionDays") ?? 0;
            return days == 0 || days >= Days
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} keeps audit logs {(days == 0 ? "without limit" : $"for {days} days")}")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} keeps audit logs for {days} days (at least {Days} expected)");
        });
}
