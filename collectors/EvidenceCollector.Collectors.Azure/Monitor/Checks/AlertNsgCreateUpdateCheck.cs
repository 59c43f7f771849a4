using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertNsgCreateUpdateCheck : ICheck
{
    private const string Operation = "Microsoft.Network/networkSecurityGroups/write";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_nsg_create_update", Operation, "network security group creation or update");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "network security group creation or update");
}
