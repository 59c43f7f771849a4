using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class ServersPlanOnCheck : ICheck
{
    private const string Plan = "VirtualMachines";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.servers_plan_on", Plan, "servers");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "servers");
}
