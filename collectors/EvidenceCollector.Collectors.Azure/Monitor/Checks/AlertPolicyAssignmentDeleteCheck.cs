using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertPolicyAssignmentDeleteCheck : ICheck
{
    private const string Operation = "Microsoft.Authorization/policyAssignments/delete";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_policy_assignment_delete", Operation, "policy assignment deletion");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "policy assignment deletion");
}
