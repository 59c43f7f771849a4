using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Policy.Checks;

/// <summary>
/// One finding per latest policy state: per (assignment, definition, evaluated resource). Its check id is
/// <c>azure.policy.definition.&lt;name&gt;</c>, the name the last segment of the definition's id (usually a GUID for
/// built-ins; custom names may hold spaces), mapped through the <c>azure-policy-definitions</c> table; the assignment
/// is in the message, so one definition under two assignments gives two findings. Compliant is a pass, NonCompliant a
/// fail, Exempt not applicable; anything else (Unknown, Conflict, Error) is an error, never a pass. A result is evidence
/// only while it is current: an evaluation older than <see cref="MaxAge"/> at the time of the answer
/// (<c>collectedAt</c>; Azure Policy re-evaluates every 24 hours), or one without either time, is an error whatever it said.
/// </summary>
public sealed class DefinitionCheck : ICheck
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(3);

    public CheckMetadata Metadata { get; } = new(Provider.Azure, "azure.policy.definition", "Azure Policy compliance results", Severity.Medium, "AzurePolicyState",
        "Azure Policy definitions the organisation assigned are evidence of the controls they test; their latest results are reported per definition and resource.",
        "Remediate the non-compliant resources as the definition describes (or exempt them with a justification).",
        [AzureKinds.PolicyState], DynamicMapping: "azure-policy-definitions", ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        foreach (var item in input.OfKind(AzureKinds.PolicyState))
        {
            var state = item.Payload;
            var definitionId = ArmJson.Text(state, "policyDefinitionId");
            var name = ArmJson.Text(state, "policyDefinitionName") is { Length: > 0 } n ? n : definitionId?.Split('/')[^1];
            if (name is null)
            {
                yield return CheckResult.Error(item, "a policy state names no policy definition") with { CheckId = "azure.policy.definition.unknown", Title = "Azure Policy definition (unknown)", MappingKey = "unknown" };
                continue;
            }

            var assignment = ArmJson.Text(state, "policyAssignmentId") ?? "an unknown assignment";
            var compliance = ArmJson.Text(state, "complianceState") ?? (ArmJson.Bool(state, "isCompliant") is { } c ? (c ? "Compliant" : "NonCompliant") : null);
            var status = compliance?.ToLowerInvariant() switch
            {
                "compliant" => FindingStatus.Pass,
                "noncompliant" => FindingStatus.Fail,
                "exempt" => FindingStatus.NotApplicable,
                _ => FindingStatus.Error,
            };
            var reference = ArmJson.Text(state, "policyDefinitionReferenceId") is { Length: > 0 } r ? $" (reference {r} of {ArmJson.Text(state, "policySetDefinitionName")})" : string.Empty;
            var message = $"{ArmJson.Text(state, "policyDefinitionAction") ?? "policy"} {name}{reference} under assignment {assignment}: {compliance ?? "no compliance state"} at {ArmJson.Text(state, "timestamp") ?? "an unknown time"}";
            var evaluated = ArmJson.Time(ArmJson.Text(state, "timestamp"));
            var answered = ArmJson.Time(ArmJson.Text(state, "collectedAt"));
            if (evaluated is null || answered is null)
            {
                (status, message) = (FindingStatus.Error, $"{message}, but the evaluation time or the answer time is missing, so it cannot be taken as current");
            }
            else if (answered.Value - evaluated.Value > MaxAge)
            {
                (status, message) = (FindingStatus.Error, $"{message}, but stale: evaluated more than {MaxAge.TotalDays:0} days before it was read");
            }

            yield return new CheckResult(item.ResourceId, item.Region, status, message, [item.Hash])
            {
                CheckId = $"azure.policy.definition.{name}",
                Title = $"Azure Policy definition {name}",
                MappingKey = name,
            };
        }
    }
}
