using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertNsgRuleCreateUpdateCheck : ICheck
{
    private const string Operation = "Microsoft.Network/networkSecurityGroups/securityRules/write";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_nsg_rule_create_update", Operation, "security rule creation or update");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "security rule creation or update");
}
