using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Policy.Checks;

/// <summary>
/// The Microsoft cloud security benchmark initiative (Defender for Cloud's default, set definition
/// <c>1f3afdf9-d0c9-4c3d-847f-89da613e70a8</c>) is assigned to the subscription or above it, enforced or audited.
/// </summary>
public sealed class SecurityBenchmarkAssignedCheck : ICheck
{
    public const string BenchmarkSet = "1f3afdf9-d0c9-4c3d-847f-89da613e70a8";

    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.policy.security_benchmark_assigned", "The Microsoft cloud security benchmark initiative is assigned", Severity.Medium, "AzurePolicyAssignment",
        "The benchmark initiative is what Defender for Cloud evaluates recommendations with; without it the subscription's configuration is not continuously assessed.",
        "Assign the Microsoft cloud security benchmark initiative at the subscription or a management group above it.", AzureKinds.PolicyAssignment, AzureKinds.PolicyListing) with { ItemByItem = false };

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var assignments = input.OfKind(AzureKinds.PolicyAssignment).ToList();
        var benchmark = assignments.FirstOrDefault(a => ArmJson.Text(ArmJson.Object(a.Payload, "properties"), "policyDefinitionId")?.EndsWith("/policySetDefinitions/" + BenchmarkSet, StringComparison.OrdinalIgnoreCase) == true);
        if (benchmark is not null)
        {
            var mode = ArmJson.Text(ArmJson.Object(benchmark.Payload, "properties"), "enforcementMode") ?? "Default";
            return [EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Pass, $"the benchmark is assigned as {ArmJson.Name(benchmark)} (enforcement {mode})", [benchmark])];
        }

        var listing = ArmJson.Listing(input, AzureKinds.PolicyListing, AzureKinds.PolicyAssignment);
        if (listing is null && assignments.Count == 0 && !input.IncompleteKinds.Contains(AzureKinds.PolicyAssignment))
        {
            return [EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, "the list of policy assignments was not recorded, so their absence cannot be concluded", [])];
        }

        return [EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global,
            input.IncompleteKinds.Contains(AzureKinds.PolicyAssignment) ? FindingStatus.Error : FindingStatus.Fail,
            input.IncompleteKinds.Contains(AzureKinds.PolicyAssignment) ? "the policy assignments could not all be listed" : $"none of the {assignments.Count} policy assignments is the Microsoft cloud security benchmark", listing is null ? assignments : [.. assignments, listing])];
    }
}
