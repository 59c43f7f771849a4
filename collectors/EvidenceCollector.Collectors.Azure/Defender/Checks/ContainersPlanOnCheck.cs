using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class ContainersPlanOnCheck : ICheck
{
    private const string Plan = "Containers";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.containers_plan_on", Plan, "containers");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "containers");
}
