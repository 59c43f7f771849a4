using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

/// <summary>
/// What the contact checks share. Both shapes of the API are read: <c>2020-01-01-preview</c>
/// (<c>alertNotifications.state</c>) and <c>2023-12-01-preview</c> (<c>isEnabled</c>, <c>notificationsSources</c>);
/// <c>emails</c> is a semicolon-separated string (older answers: an array). The first contact that satisfies the check
/// passes it on the subscription; none fails it there.
/// </summary>
internal static class SecurityContacts
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        ArmJson.Meta(id, title, severity, "AzureSecurityContact", rationale, remediation, AzureKinds.SecurityContact, AzureKinds.DefenderListing) with { ItemByItem = false };

    public static IEnumerable<CheckResult> Evaluate(CheckInput input, Func<JsonElement, bool> satisfies, string pass, string fail)
    {
        var contacts = input.OfKind(AzureKinds.SecurityContact).ToList();
        var good = contacts.FirstOrDefault(c => satisfies(ArmJson.Object(c.Payload, "properties")));
        if (good is not null)
        {
            return [EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Pass, $"{pass} (contact {ArmJson.Name(good)})", [good])];
        }

        var listing = ArmJson.Listing(input, AzureKinds.DefenderListing, AzureKinds.SecurityContact);
        if (listing is null && contacts.Count == 0 && !input.IncompleteKinds.Contains(AzureKinds.SecurityContact))
        {
            return [EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, "the list of security contacts was not recorded, so their absence cannot be concluded", [])];
        }

        return [input.IncompleteKinds.Contains(AzureKinds.SecurityContact)
            ? EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, "the security contacts could not be listed", contacts)
            : EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Fail, contacts.Count == 0 ? $"{fail}: no security contact is set" : fail, listing is null ? contacts : [.. contacts, listing])];
    }

    public static IEnumerable<string> Emails(JsonElement p) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty("emails", out var e)
            ? e.ValueKind == JsonValueKind.String ? e.GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).Where(x => x.Length > 0) : []
            : [];
}
