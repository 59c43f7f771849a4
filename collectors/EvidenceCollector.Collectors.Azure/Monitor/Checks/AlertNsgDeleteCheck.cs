using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertNsgDeleteCheck : ICheck
{
    private const string Operation = "Microsoft.Network/networkSecurityGroups/delete";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_nsg_delete", Operation, "network security group deletion");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "network security group deletion");
}
