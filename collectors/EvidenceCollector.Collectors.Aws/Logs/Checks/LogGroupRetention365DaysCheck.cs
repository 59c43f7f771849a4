using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Logs.Checks;

public sealed class LogGroupRetention365DaysCheck : ICheck
{
    public const int Days = 365;

    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.logs.log_group_retention_365_days", "Log groups keep events for at least 365 days", Severity.Medium, "AwsLogsLogGroup",
        "Logs must be kept long enough to investigate incidents and serve as records; never-expire also passes.",
        "Set the log group's retention to 365 days or more (or never expire).", [AwsKinds.LogsLogGroup], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.LogsLogGroup, [], item => item.Payload.Prop("retentionInDays") is null
            ? CheckResult.Pass(item, "events never expire")
            : item.Payload.Long("retentionInDays") is not { } days
                ? CheckResult.Error(item, $"retentionInDays is not a number of days: {item.Payload.Prop("retentionInDays")!.Value.GetRawText()}")
                : CheckResult.Of(item, days >= Days, $"retention {days} days", $"retention {days} days is below 365"));
}
