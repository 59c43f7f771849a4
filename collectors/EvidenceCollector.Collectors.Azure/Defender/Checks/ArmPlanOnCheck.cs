using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class ArmPlanOnCheck : ICheck
{
    private const string Plan = "Arm";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.arm_plan_on", Plan, "Resource Manager");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "Resource Manager");
}
