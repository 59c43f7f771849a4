using System.Collections.Concurrent;
using System.Text.Json;

namespace EvidenceCollector.Model;

/// <summary>
/// The one place enum values become text: lowercase snake_case (<c>not_applicable</c>, <c>non_compliant</c>),
/// the form used in JSON output, the store and the manifest.
/// </summary>
public static class WireText
{
    private static readonly ConcurrentDictionary<Enum, string> Cache = new();

    public static string ToWire<T>(this T value)
        where T : struct, Enum =>
        Cache.GetOrAdd(value, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    public static T Parse<T>(string text)
        where T : struct, Enum
    {
        if (TryParse<T>(text, out var value))
        {
            return value;
        }

        throw new FormatException($"'{text}' is not one of {string.Join(", ", Enum.GetValues<T>().Select(v => v.ToWire()))}");
    }

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToWire(), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>RFC 3339 UTC with milliseconds, e.g. <c>2026-11-30T01:17:41.123Z</c>.</summary>
    public static string ToWire(this DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
}
