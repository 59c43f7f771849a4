using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Policy;

/// <summary>
/// Azure Policy as evidence: the policy assignments that apply to the subscription, the compliance summary
/// (Policy Insights <c>policyStates/latest/summarize</c>) and every latest policy state (<c>queryResults</c>, one record
/// per (assignment, definition, resource), the evaluated resource's id as the record's id, paged with
/// <c>@odata.nextLink</c>; each with <c>collectedAt</c>, the time of the answer). Only these two query POSTs are
/// issued; they read, never trigger an evaluation.
/// </summary>
public sealed class PolicyCollector(ArmReader reader) : ICollector
{
    public const string AssignmentsApiVersion = "2022-06-01";
    public const string PolicyInsightsApiVersion = "2019-10-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.policy", "policy", true, [AzureKinds.PolicyAssignment, AzureKinds.PolicySummary, AzureKinds.PolicyState, AzureKinds.PolicyListing]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var subscription = $"/subscriptions/{context.Target.Account}";
        await ArmLists.CollectAsync(reader, result, AzureKinds.PolicyAssignment, "Microsoft.Authorization", $"{subscription}/providers/Microsoft.Authorization/policyAssignments", AssignmentsApiVersion, cancellationToken, listingKind: AzureKinds.PolicyListing).ConfigureAwait(false);

        var insights = $"{subscription}/providers/Microsoft.PolicyInsights/policyStates/latest";
        try
        {
            var summary = await reader.PostAsync($"{insights}/summarize", PolicyInsightsApiVersion, null, cancellationToken).ConfigureAwait(false);
            result.Records.Add(new EvidenceRecord(AzureKinds.PolicySummary, $"{insights}/summarize", Target.Global, JsonNode.Parse(summary.Body.GetRawText())!,
                new Provenance("Microsoft.PolicyInsights", [$"{summary.Operation} (api-version {summary.ApiVersion})"], null, summary.RequestId, summary.AnsweredAt)));
        }
        catch (ArmException e)
        {
            result.Errors.Add(new CollectionError([AzureKinds.PolicySummary], Target.Global, null, e.Code, e.ArmMessage, $"POST {insights}/summarize"));
        }

        try
        {
            await foreach (var page in reader.PostPagesAsync($"{insights}/queryResults", PolicyInsightsApiVersion, null, cancellationToken).ConfigureAwait(false))
            {
                if (!page.Body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
                {
                    throw new ArmException(page.Status, "MalformedResponse", $"{page.Operation} answered without a value array", page.RequestId);
                }

                foreach (var state in value.EnumerateArray())
                {
                    if ((state.ValueKind == JsonValueKind.Object && state.TryGetProperty("resourceId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null) is not { Length: > 0 } resourceId)
                    {
                        result.Errors.Add(new CollectionError([AzureKinds.PolicyState], Target.Global, null, "MalformedResponse", $"{page.Operation} answered a policy state without a resourceId", page.Operation));
                        continue;
                    }

                    var region = state.TryGetProperty("resourceLocation", out var l) && l.ValueKind == JsonValueKind.String && l.GetString() is { Length: > 0 } location ? location.ToLowerInvariant() : Target.Global;
                    await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                    // The state as answered, and when it was answered (so a check can tell a stale evaluation from a current one).
                    var payload = JsonNode.Parse(state.GetRawText())!.AsObject();
                    payload["collectedAt"] = page.AnsweredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                    result.Records.Add(new EvidenceRecord(AzureKinds.PolicyState, resourceId.StartsWith('/') ? resourceId : "/" + resourceId, region, payload,
                        new Provenance("Microsoft.PolicyInsights", [$"{page.Operation} (api-version {page.ApiVersion})"], null, page.RequestId, page.AnsweredAt)));
                }
            }
        }
        catch (ArmException e)
        {
            result.Errors.Add(new CollectionError([AzureKinds.PolicyState], Target.Global, null, e.Code, e.ArmMessage, $"POST {insights}/queryResults"));
        }

        return result;
    }
}
