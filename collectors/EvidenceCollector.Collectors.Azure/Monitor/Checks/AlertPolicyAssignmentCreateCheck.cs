using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertPolicyAssignmentCreateCheck : ICheck
{
    private const string Operation = "Microsoft.Authorization/policyAssignments/write";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_policy_assignment_create", Operation, "policy assignment creation");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "policy assignment creation");
}
