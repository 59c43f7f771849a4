using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Common.Checks;

/// <summary>Pure helpers every provider's checks share.</summary>
public static class EvidenceChecks
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

    /// <summary>A result citing every item it used (hashes distinct and ordered).</summary>
    public static CheckResult Result(string resourceId, string region, FindingStatus status, string message, IEnumerable<EvidenceItem> used) =>
        new(resourceId, region, status, message, used.Select(i => i.Hash).Distinct().OrderBy(h => h, StringComparer.Ordinal).ToList());
}
