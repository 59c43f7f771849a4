using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class AlertSecuritySolutionCreateUpdateCheck : ICheck
{
    private const string Operation = "Microsoft.Security/securitySolutions/write";

    public CheckMetadata Metadata { get; } = ActivityLogAlerts.Meta("azure.monitor.alert_security_solution_create_update", Operation, "security solution creation or update");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => ActivityLogAlerts.Evaluate(input, Operation, "security solution creation or update");
}
