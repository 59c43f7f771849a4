using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertSqlFirewallRuleCreateUpdateCheck : ICheck
{
    private const string Operation = "Microsoft.Sql/servers/firewallRules/write";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_sql_firewall_rule_create_update", Operation, "SQL server firewall rule creation or update");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "SQL server firewall rule creation or update");
}
