using System.Globalization;
using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Checks;

/// <summary>Pure helpers of the AWS checks (IAM policy grammar, AWS times); the provider-neutral ones are in <see cref="Common.Checks.EvidenceChecks"/>.</summary>
internal static class CheckSupport
{
    /// <summary>A string or an array of strings as a list (IAM policy grammar).</summary>
    public static IReadOnlyList<string> Strings(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
        _ => [],
    };

    /// <summary>Statements of a policy document (a single object or an array).</summary>
    public static IEnumerable<JsonElement> Statements(JsonElement document) => document.Prop("Statement") switch
    {
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().ToList(),
        { ValueKind: JsonValueKind.Object } o => [o],
        _ => [],
    };

    /// <summary>True when a policy document has a readable Statement (an object or an array of objects).</summary>
    public static bool HasStatements(JsonElement document) => document.Prop("Statement") switch
    {
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object),
        { ValueKind: JsonValueKind.Object } => true,
        _ => false,
    };

    /// <summary>True when the principal is everyone (<c>"*"</c> or <c>{"AWS":"*"}</c>).</summary>
    public static bool IsEveryone(JsonElement? principal) => principal switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() == "*",
        { ValueKind: JsonValueKind.Object } o => Strings(o.Prop("AWS")).Contains("*"),
        _ => false,
    };

    /// <summary>Parses an AWS time; null for the credential report's "N/A", "no_information", "not_supported".</summary>
    public static DateTimeOffset? Time(string? text) =>
        text is { Length: > 0 } && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    public static bool IsTrue(this JsonElement element, string name) => element.Bool(name) == true;
}
