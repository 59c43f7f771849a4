using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

public sealed class MultiRegionTrailLoggingCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.multi_region_trail_logging", "A multi-region trail logs all management events", Severity.High, "AwsAccount",
        "Without a logging multi-region trail that records read and write management events, API activity in some regions goes unrecorded.",
        "Create (or fix) a multi-region trail with management events Read+Write and start logging.",
        [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var items = input.OfKind(AwsKinds.CloudTrailTrail).ToList();
        var id = AwsArn.AccountRoot(input.Account);
        var home = Trails.Judged(input).Where(i => i.Payload.Path("Trail") is { } t && t.Bool("IsMultiRegionTrail") == true).ToList();
        var good = home.Where(i => i.Payload.SectionError("Status") is null && i.Payload.SectionError("EventSelectors") is null
            && i.Payload.Path("Status")?.Bool("IsLogging") == true
            && i.Payload.Path("EventSelectors") is { } s && Trails.LogsAllManagementEvents(s)).ToList();
        if (good.Count > 0)
        {
            yield return EvidenceChecks.Result(id, Target.Global, FindingStatus.Pass, $"multi-region trail {good[0].Payload.Path("Trail")?.Str("Name")} logs all management events", good);
            yield break;
        }

        var errored = home.Where(i => i.Payload.SectionError("Status") is not null || i.Payload.SectionError("EventSelectors") is not null
            || i.Payload.Prop("Status") is null || i.Payload.Prop("EventSelectors") is null).ToList();
        if (errored.Count > 0)
        {
            yield return EvidenceChecks.Result(id, Target.Global, FindingStatus.Error,
                "no qualifying trail found, but the status or selectors of some multi-region trails could not be read", errored);
            yield break;
        }

        yield return EvidenceChecks.Result(id, Target.Global, FindingStatus.Fail,
            items.Count == 0 ? "the account has no CloudTrail trail" : "no multi-region trail is logging read and write management events", items);
    }
}
