using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

/// <summary>
/// What the alert checks share: an enabled activity-log alert whose scopes include the subscription and whose
/// condition names the operation (<c>operationName</c> equals it, or a <c>containsAny</c> lists it). A disabled alert,
/// or one scoped to a resource group only, does not count. Scopes may come without their leading slash.
/// </summary>
internal static class ActivityLogAlerts
{
    public static CheckMetadata Meta(string id, string operation, string what) =>
        ArmJson.Meta(id, $"An activity-log alert fires on {what}", Severity.Medium, "AzureSubscription",
            $"Without an alert on {what} ({operation}) a change that weakens security goes unnoticed until someone reads the log.",
            $"Create an activity-log alert scoped to the subscription with the condition operationName = {operation}, enabled, with an action group.",
            AzureKinds.ActivityLogAlert, AzureKinds.MonitorListing) with { ItemByItem = false };

    public static IEnumerable<CheckResult> Evaluate(CheckInput input, string operation, string what)
    {
        var alerts = input.OfKind(AzureKinds.ActivityLogAlert).ToList();
        var subscription = ArmJson.Subscription(input);
        var matching = alerts.Where(a => Fires(a, input.Account, operation)).ToList();
        if (matching.Count > 0)
        {
            return [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Pass, $"{what} alerts through {string.Join(", ", matching.Select(ArmJson.Name))}", matching)];
        }

        if (input.IncompleteKinds.Contains(AzureKinds.ActivityLogAlert))
        {
            return [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Error, "the activity-log alerts could not all be listed", alerts)];
        }

        var listing = ArmJson.Listing(input, AzureKinds.MonitorListing, AzureKinds.ActivityLogAlert);
        if (listing is null && alerts.Count == 0)
        {
            return [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Error, "the list of activity-log alerts was not recorded, so their absence cannot be concluded", [])];
        }

        var disabled = alerts.Where(a => Names(a, operation) && ArmJson.Bool(ArmJson.Object(a.Payload, "properties"), "enabled") == false).Select(ArmJson.Name).ToList();
        return [EvidenceChecks.Result(subscription, Target.Global, FindingStatus.Fail,
            $"no enabled activity-log alert on the subscription fires on {operation}" + (disabled.Count > 0 ? $" ({string.Join(", ", disabled)} is disabled)" : string.Empty), listing is null ? alerts : [.. alerts, listing])];
    }

    private static bool Fires(EvidenceItem alert, string subscription, string operation)
    {
        var p = ArmJson.Object(alert.Payload, "properties");
        // The API's default for enabled is true; ARM returns it either way.
        return ArmJson.Bool(p, "enabled") != false
            && p.ValueKind == System.Text.Json.JsonValueKind.Object
            && p.TryGetProperty("scopes", out var scopes) && scopes.ValueKind == System.Text.Json.JsonValueKind.Array
            && scopes.EnumerateArray().Any(s => ArmJson.SameId(s.GetString(), $"/subscriptions/{subscription}"))
            && Names(alert, operation);
    }

    private static bool Names(EvidenceItem alert, string operation)
    {
        var condition = ArmJson.Object(ArmJson.Object(alert.Payload, "properties"), "condition");
        return ArmJson.Objects(condition, "allOf").Any(c =>
            string.Equals(ArmJson.Text(c, "field"), "operationName", StringComparison.OrdinalIgnoreCase)
            && (string.Equals(ArmJson.Text(c, "equals"), operation, StringComparison.OrdinalIgnoreCase)
                || (c.TryGetProperty("containsAny", out var any) && any.ValueKind == System.Text.Json.JsonValueKind.Array
                    && any.EnumerateArray().Any(v => string.Equals(v.GetString(), operation, StringComparison.OrdinalIgnoreCase)))));
    }
}
