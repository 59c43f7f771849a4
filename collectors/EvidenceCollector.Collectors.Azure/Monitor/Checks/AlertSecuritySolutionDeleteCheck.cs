using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertSecuritySolutionDeleteCheck : ICheck
{
    private const string Operation = "Microsoft.Security/securitySolutions/delete";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_security_solution_delete", Operation, "security solution deletion");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "security solution deletion");
}
