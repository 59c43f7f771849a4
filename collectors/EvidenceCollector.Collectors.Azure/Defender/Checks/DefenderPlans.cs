using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

/// <summary>
/// What the plan checks share: the plan's pricing (its id, subscription-scoped, is the finding's resource) on the
/// Standard tier. A deprecated plan (<c>deprecated: true</c>) is not graded; a plan the cloud does not offer is not applicable.
/// </summary>
internal static class DefenderPlans
{
    public static CheckMetadata Meta(string id, string plan, string what) =>
        ArmJson.Meta(id, $"Defender for Cloud protects {what} (plan {plan} on Standard)", Severity.Medium, "AzureDefenderPlan",
            $"Without the {plan} plan Defender for Cloud raises no threat alerts for {what} and runs none of its vulnerability assessments there.",
            $"Set the {plan} pricing of the subscription to Standard.", AzureKinds.DefenderPricing) with { ItemByItem = false };

    public static IEnumerable<CheckResult> Evaluate(CheckInput input, string plan, string what)
    {
        var pricings = input.OfKind(AzureKinds.DefenderPricing).ToList();
        var pricing = pricings.FirstOrDefault(p => string.Equals(ArmJson.Name(p), plan, StringComparison.OrdinalIgnoreCase));
        if (pricing is null)
        {
            return [input.IncompleteKinds.Contains(AzureKinds.DefenderPricing)
                ? EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, "the Defender plans could not all be listed", pricings)
                : EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.NotApplicable, $"the {plan} plan is not offered to this subscription", pricings)];
        }

        var p = ArmJson.Object(pricing.Payload, "properties");
        if (ArmJson.Bool(p, "deprecated") == true)
        {
            return [CheckResult.NotApplicable(pricing, $"the {plan} plan is deprecated (replaced by {(p.TryGetProperty("replacedBy", out var by) && by.ValueKind == System.Text.Json.JsonValueKind.Array ? string.Join(", ", by.EnumerateArray().Select(x => x.ToString())) : "nothing stated")}), not graded")];
        }

        return [ArmJson.Text(p, "pricingTier") switch
        {
            "Standard" => CheckResult.Pass(pricing, $"Defender for {what} is on (Standard{(ArmJson.Text(p, "subPlan") is { } sub ? $", {sub}" : string.Empty)})"),
            null => CheckResult.Error(pricing, $"the {plan} pricing states no tier"),
            var tier => CheckResult.Fail(pricing, $"Defender for {what} is off (tier {tier})"),
        }];
    }
}
