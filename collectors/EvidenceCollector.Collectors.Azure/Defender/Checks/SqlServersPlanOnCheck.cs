using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class SqlServersPlanOnCheck : ICheck
{
    private const string Plan = "SqlServers";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.sql_servers_plan_on", Plan, "Azure SQL servers");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "Azure SQL servers");
}
