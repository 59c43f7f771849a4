using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class StoragePlanOnCheck : ICheck
{
    private const string Plan = "StorageAccounts";

    public CheckMetadata Metadata { get; } = DefenderPlans.Meta("azure.defender.storage_plan_on", Plan, "storage accounts");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => DefenderPlans.Evaluate(input, Plan, "storage accounts");
}
