using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

internal static class Trails
{
    /// <summary>
    /// Each trail judged once: in its home region, or, when the home region was not collected, from one shadow copy
    /// (the first by region: every copy carries the trail's status and selectors, read by ARN).
    /// </summary>
    public static IEnumerable<CheckResult> Home(CheckInput input, string[] sections, Func<EvidenceItem, JsonElement, CheckResult> judge)
    {
        var judged = Judged(input).ToHashSet();
        return EvidenceChecks.Each(
            input,
            AwsKinds.CloudTrailTrail,
            sections,
            item => item.Payload.Prop("Trail") is { } trail ? judge(item, trail) : CheckResult.Error(item, "evidence incomplete: the Trail section is missing"),
            skip: item => !judged.Contains(item));
    }

    /// <summary>One item per trail ARN: the home copy when collected, else the first shadow copy.</summary>
    public static IEnumerable<EvidenceItem> Judged(CheckInput input) =>
        input.OfKind(AwsKinds.CloudTrailTrail)
            .GroupBy(i => i.ResourceId, StringComparer.Ordinal)
            .Select(g => g.FirstOrDefault(i => i.Payload.Bool("IsShadow") != true) ?? g.OrderBy(i => i.Region, StringComparer.Ordinal).First());

    /// <summary>True when the selectors log both read and write management events.</summary>
    public static bool LogsAllManagementEvents(JsonElement selectors)
    {
        if (selectors.Array("EventSelectors").Any(s => s.Bool("IncludeManagementEvents") == true && s.Str("ReadWriteType") == "All" && !s.Array("ExcludeManagementEventSources").Any()))
        {
            return true;
        }

        return selectors.Array("AdvancedEventSelectors").Any(s =>
        {
            // Only "eventCategory = Management" may narrow the selector: any other field (readOnly,
            // eventSource, eventName, NotEquals…) drops some management events.
            var fields = s.Array("FieldSelectors").ToList();
            var management = fields.Any(f => f.Str("Field") == "eventCategory" && CheckSupport.Strings(f.Prop("Equals")).Contains("Management"));
            var otherFilter = fields.Any(f => f.Str("Field") != "eventCategory");
            return management && !otherFilter;
        });
    }
}
