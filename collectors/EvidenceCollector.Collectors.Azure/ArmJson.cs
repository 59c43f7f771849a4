using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure;

/// <summary>Reading ARM JSON in checks: a property that is absent reads as null, so each check says what absence means.</summary>
internal static class ArmJson
{
    public static bool? Bool(JsonElement properties, string name) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>The string (or boolean, as text) at <paramref name="path"/>; null when any step is absent.</summary>
    public static string? Text(JsonElement properties, params string[] path)
    {
        var at = properties;
        foreach (var name in path)
        {
            if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(name, out at))
            {
                return null;
            }
        }

        return at.ValueKind == JsonValueKind.String ? at.GetString() : at.ValueKind is JsonValueKind.True or JsonValueKind.False ? at.GetBoolean().ToString() : at.ValueKind == JsonValueKind.Number ? at.GetRawText() : null;
    }

    /// <summary>An ARM time (ISO 8601 / RFC 3339), or null when absent or not a time.</summary>
    public static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>The number at <paramref name="name"/>, or null.</summary>
    public static double? Number(JsonElement properties, string name) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The objects of the array at <paramref name="name"/> (none when absent).</summary>
    public static IEnumerable<JsonElement> Objects(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object) : [];

    /// <summary>The object at <paramref name="name"/> of a resource's <c>properties</c>, or an empty default.</summary>
    public static JsonElement Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    /// <summary>The resource's ARM name, for messages.</summary>
    public static string Name(EvidenceItem item) => item.Payload.TryGetProperty("name", out var n) ? n.GetString() ?? item.ResourceId : item.ResourceId;

    /// <summary>The subscription's ARM id, on which subscription-wide findings are reported.</summary>
    public static string Subscription(CheckInput input) => $"/subscriptions/{input.Account}";

    /// <summary>Metadata of a check over one Azure kind, judged item by item.</summary>
    public static CheckMetadata Meta(string id, string title, Severity severity, string resourceType, string rationale, string remediation, params string[] kinds) =>
        new(Provider.Azure, id, title, severity, resourceType, rationale, remediation, kinds, ItemByItem: kinds.Length == 1);

    /// <summary>Each item of <paramref name="kind"/> judged on its <c>properties</c>; an item without them is an error.</summary>
    public static IEnumerable<CheckResult> Each(CheckInput input, string kind, Func<EvidenceItem, JsonElement, CheckResult?> judge) =>
        EvidenceChecks.Each(input, kind, ["properties"], item => judge(item, item.Payload.GetProperty("properties")));

    /// <summary>
    /// A related read stored with the resource (<c>related.&lt;name&gt;</c>): its answer, or the error that kept it
    /// from being read (a missing one is an error too: nothing may be concluded from a read that was not made).
    /// </summary>
    public static (JsonElement Value, string? Error) Related(EvidenceItem item, string name)
    {
        var related = Object(item.Payload, ArmLists.RelatedKey);
        if (related.ValueKind != JsonValueKind.Object)
        {
            return (default, $"evidence incomplete: {name} was not read");
        }

        if (related.SectionError(name) is { } error)
        {
            return (default, $"evidence incomplete: {name} could not be read: {error}");
        }

        return related.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? (value, null) : (default, $"evidence incomplete: {name} was not read");
    }

    /// <summary>The items of a related list read (<c>related.&lt;name&gt;.value</c>), or the error.</summary>
    public static (List<JsonElement> Items, string? Error) RelatedList(EvidenceItem item, string name)
    {
        var (value, error) = Related(item, name);
        return error is not null ? ([], error) : (Objects(value, "value").ToList(), null);
    }

    /// <summary>The listing record of the subscription-wide list of <paramref name="kind"/> (null when the list was not recorded).</summary>
    public static EvidenceItem? Listing(CheckInput input, string listingKind, string kind) =>
        input.OfKind(listingKind).FirstOrDefault(l => Text(l.Payload, "kind") == kind);

    /// <summary>ARM ids compare ignoring case, and with or without their leading slash.</summary>
    public static bool SameId(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim('/'), b.Trim('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="id"/> lies under <paramref name="parent"/> (ignoring case).</summary>
    public static bool Under(string? id, string parent) =>
        id is not null && ("/" + id.Trim('/') + "/").StartsWith("/" + parent.Trim('/') + "/", StringComparison.OrdinalIgnoreCase);
}
