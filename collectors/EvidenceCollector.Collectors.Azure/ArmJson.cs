using System.Text.Json;
using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure;

/// <summary>Reading ARM JSON in checks: a property that is absent reads as null, so each check says what absence means.</summary>
internal static class ArmJson
{
    public static bool? Bool(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

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

    /// <summary>The resource's ARM name, for messages.</summary>
    public static string Name(EvidenceItem item) => item.Payload.TryGetProperty("name", out var n) ? n.GetString() ?? item.ResourceId : item.ResourceId;
}
