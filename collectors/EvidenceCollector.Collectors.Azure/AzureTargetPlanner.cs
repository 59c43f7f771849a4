using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure;

/// <summary>
/// Azure's targets: one per subscription (region <c>global</c>; regional settings carry their location). The
/// subscriptions are <c>Azure:Subscriptions</c>, or every one the credential can see, optionally only those under
/// <c>Azure:ManagementGroup</c> and its descendants. Enabled, Warned and PastDue subscriptions are collected (the state
/// noted); Disabled, Deleted and Expired ones are skipped with the reason; a configured subscription the credential
/// cannot see is an errored target, so it never silently drops out. Each run records, as provenance, the tenant and
/// principal of the token and each subscription's ARM JSON (display name, state).
/// </summary>
public sealed class AzureTargetPlanner(ArmReader reader, AzureOptions options, TokenCredential credential) : ITargetPlanner
{
    public const string SubscriptionsApiVersion = "2022-12-01";
    public const string ManagementGroupsApiVersion = "2020-05-01";
    public const string SubscriptionKind = "azure.resources.subscription";
    public const string PrincipalKind = "azure.identity.principal";

    private static readonly HashSet<string> Collected = new(StringComparer.OrdinalIgnoreCase) { "Enabled", "Warned", "PastDue" };

    public Provider Provider => Provider.Azure;

    public async Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken)
    {
        var plan = new TargetPlan();
        if (!scope.IncludesProvider(Provider.Azure))
        {
            return plan;
        }

        JsonObject principal;
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([options.TokenAudience.TrimEnd('/') + "/.default"]), cancellationToken).ConfigureAwait(false);
            principal = Claims(token.Token);
        }
        catch (AuthenticationFailedException e)
        {
            plan.Targets.Add(new PlannedTarget(new Target(Provider.Azure, "unknown", Target.Global), TargetOutcome.Errored, "NoCredentials: " + FirstLine(e.Message), null));
            return plan;
        }

        var visible = new Dictionary<string, (JsonElement Subscription, ArmAnswer Page)>(StringComparer.OrdinalIgnoreCase);
        HashSet<string>? under = null;
        try
        {
            await foreach (var page in reader.PagesAsync("/subscriptions", SubscriptionsApiVersion, cancellationToken).ConfigureAwait(false))
            {
                foreach (var subscription in Values(page))
                {
                    if (subscription.TryGetProperty("subscriptionId", out var id) && id.GetString() is { } text)
                    {
                        visible[text] = (subscription, page);
                    }
                }
            }

            if (options.ManagementGroup is { } group)
            {
                under = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                await foreach (var page in reader.PagesAsync($"/providers/Microsoft.Management/managementGroups/{Uri.EscapeDataString(group)}/descendants", ManagementGroupsApiVersion, cancellationToken).ConfigureAwait(false))
                {
                    foreach (var descendant in Values(page))
                    {
                        if (descendant.TryGetProperty("type", out var type) && string.Equals(type.GetString(), "Microsoft.Management/managementGroups/subscriptions", StringComparison.OrdinalIgnoreCase)
                            && descendant.TryGetProperty("name", out var name) && name.GetString() is { } subscription)
                        {
                            under.Add(subscription);
                        }
                    }
                }
            }
        }
        catch (ArmException e)
        {
            var target = new Target(Provider.Azure, "unresolved", Target.Global);
            plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Errored, $"listing subscriptions failed: {e.Code}: {e.ArmMessage}", null));
            plan.Errors.Add((target, new CollectionError(["*"], Target.Global, null, e.Code, e.ArmMessage, options.ManagementGroup is null ? "GET /subscriptions" : "GET managementGroups/descendants")));
            return plan;
        }

        var wanted = options.Subscriptions.Count > 0
            ? options.Subscriptions.Select(s => s.ToLowerInvariant()).Distinct().ToList()
            : visible.Keys.Where(id => under is null || under.Contains(id)).Select(id => id.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        foreach (var id in wanted.Where(scope.IncludesAccount))
        {
            var target = new Target(Provider.Azure, id, Target.Global);
            if (under is not null && !under.Contains(id))
            {
                plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Skipped, $"not under management group {options.ManagementGroup}", null));
                continue;
            }

            if (!visible.TryGetValue(id, out var found))
            {
                plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Errored, $"subscription {id} is not visible to the credential (principal {principal["oid"] ?? principal["appid"]}): no role on it, or it does not exist", null));
                continue;
            }

            var state = found.Subscription.TryGetProperty("state", out var s) ? s.GetString() ?? "unknown" : "unknown";
            var name = found.Subscription.TryGetProperty("displayName", out var d) ? d.GetString() : null;
            plan.Records.Add(new PlannedRecord(target, Record(SubscriptionKind, $"/subscriptions/{id}", JsonNode.Parse(found.Subscription.GetRawText())!, found.Page)));
            plan.Records.Add(new PlannedRecord(target, Record(PrincipalKind, $"/subscriptions/{id}", principal.DeepClone(), found.Page)));
            plan.Targets.Add(Collected.Contains(state)
                ? new PlannedTarget(target, TargetOutcome.Evaluated, state.Equals("Enabled", StringComparison.OrdinalIgnoreCase) ? $"{name}" : $"{name}: subscription state {state} (collected)", null)
                : new PlannedTarget(target, TargetOutcome.Skipped, $"{name}: subscription state {state}: not collected", null));
        }

        return plan;
    }

    /// <summary>What the token says about who is collecting (read, not validated: the token is the credential chain's).</summary>
    internal static JsonObject Claims(string token)
    {
        var claims = new JsonObject();
        var parts = token.Split('.');
        if (parts.Length >= 2)
        {
            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
                var all = JsonNode.Parse(Convert.FromBase64String(payload))?.AsObject();
                foreach (var name in (string[])["tid", "oid", "appid", "idtyp", "iss"])
                {
                    if (all?[name] is JsonValue value)
                    {
                        claims[name] = value.DeepClone();
                    }
                }
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                claims["unreadable"] = "the token's claims could not be read";
            }
        }

        return claims;
    }

    private static IEnumerable<JsonElement> Values(ArmAnswer page) =>
        page.Body.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private EvidenceRecord Record(string kind, string resourceId, JsonNode payload, ArmAnswer page) =>
        new(kind, resourceId, Target.Global, payload, new Provenance("Microsoft.Resources", [page.Operation], options.ResourceManager.ToString(), page.RequestId, page.AnsweredAt));

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
