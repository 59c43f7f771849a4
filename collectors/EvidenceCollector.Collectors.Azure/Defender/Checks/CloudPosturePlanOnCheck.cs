using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class CloudPosturePlanOnCheck : ICheck
{
    private const string Plan = "CloudPosture";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.cloud_posture_plan_on", Plan, "cloud security posture (Defender CSPM)");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "cloud security posture (Defender CSPM)");
}
