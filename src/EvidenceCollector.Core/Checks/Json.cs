using System.Globalization;
using System.Text.Json;

namespace EvidenceCollector.Checks;

/// <summary>Small, strict readers for checks over stored JSON. Missing is not the same as false.</summary>
public static class Json
{
    public static JsonElement? Prop(this JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }

        return null;
    }

    public static JsonElement? Path(this JsonElement element, params string[] names)
    {
        JsonElement? current = element;
        foreach (var name in names)
        {
            current = current?.Prop(name);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    public static string? Str(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        return value?.ValueKind switch
        {
            JsonValueKind.String => value.Value.GetString(),
            JsonValueKind.Number => value.Value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static bool? Bool(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        return value?.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.Value.GetString(), out var b) => b,
            _ => null,
        };
    }

    public static long? Long(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        return value?.ValueKind switch
        {
            JsonValueKind.Number when value.Value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        return value is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];
    }

    /// <summary>
    /// A sub-call of a collector that failed is stored in the payload as <c>{"error":{"code":..,"message":..}}</c>
    /// under the section's name: evidence of the gap. Returns that error text, or null.
    /// </summary>
    public static string? SectionError(this JsonElement element, string section)
    {
        var value = element.Prop(section);
        if (value is { ValueKind: JsonValueKind.Object } obj && obj.Prop("error") is { } error)
        {
            return $"{error.Str("code") ?? "Error"}: {error.Str("message") ?? "(no message)"}";
        }

        return null;
    }
}
