using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class AppServicesPlanOnCheck : ICheck
{
    private const string Plan = "AppServices";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.app_services_plan_on", Plan, "App Service");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "App Service");
}
