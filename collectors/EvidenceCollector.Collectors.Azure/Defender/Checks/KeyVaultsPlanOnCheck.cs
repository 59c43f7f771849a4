using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class KeyVaultsPlanOnCheck : ICheck
{
    private const string Plan = "KeyVaults";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.key_vaults_plan_on", Plan, "key vaults");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "key vaults");
}
