using System.Globalization;
using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Checks;

/// <summary>Shared, pure helpers of the AWS checks.</summary>
internal static class CheckSupport
{
    /// <summary>
    /// Judges every item of <paramref name="kind"/>; an item whose named sections hold a collection error is an
    /// <c>error</c> finding (never a pass). <paramref name="judge"/> may return null to skip an item.
    /// </summary>
    /// <param name="sections">Payload sections the judge reads: an errored or missing one is an <c>error</c> finding, never a pass.</param>
    /// <param name="skip">Items not judged at all (e.g. shadow copies of a trail), before the sections are looked at.</param>
    /// <param name="optional">Sections that may legitimately be absent (the judge handles their absence).</param>
    public static IEnumerable<CheckResult> Each(CheckInput input, string kind, string[] sections, Func<EvidenceItem, CheckResult?> judge, Func<EvidenceItem, bool>? skip = null, string[]? optional = null)
    {
        foreach (var item in input.OfKind(kind))
        {
            if (skip?.Invoke(item) == true)
            {
                continue;
            }

            var error = sections.Select(s => item.Payload.SectionError(s)).FirstOrDefault(e => e is not null);
            if (error is not null)
            {
                yield return CheckResult.Error(item, "evidence incomplete: " + error);
                continue;
            }

            var missing = sections.FirstOrDefault(s => !(optional ?? []).Contains(s) && item.Payload.Prop(s) is not { ValueKind: JsonValueKind.Object });
            if (missing is not null)
            {
                yield return CheckResult.Error(item, $"evidence incomplete: the {missing} section is missing");
                continue;
            }

            if (judge(item) is { } result)
            {
                yield return result;
            }
        }
    }

    public static CheckResult Result(string resourceId, string region, FindingStatus status, string message, IEnumerable<EvidenceItem> used) =>
        new(resourceId, region, status, message, used.Select(i => i.Hash).Distinct().OrderBy(h => h, StringComparer.Ordinal).ToList());

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
