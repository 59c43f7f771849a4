using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

public sealed class CloudwatchLogsDeliveryCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.cloudwatch_logs_delivery", "Trails deliver to CloudWatch Logs", Severity.Low, "AwsCloudTrailTrail",
        "Delivery to CloudWatch Logs enables near-real-time monitoring and alarms on API activity.",
        "Configure CloudWatchLogsLogGroupArn and a delivery role on the trail.", [AwsKinds.CloudTrailTrail]);

    /// <summary>How recent the last delivery must be, measured from the answer time recorded with the trail.</summary>
    public static readonly TimeSpan DeliveryWindow = TimeSpan.FromHours(24);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, ["Status"], (item, trail) =>
        {
            if (string.IsNullOrEmpty(trail.Str("CloudWatchLogsLogGroupArn")))
            {
                return CheckResult.Fail(item, "no CloudWatch Logs delivery configured");
            }

            var status = item.Payload.Path("Status")!.Value;
            if (status.Str("LatestCloudWatchLogsDeliveryError") is { Length: > 0 } error)
            {
                return CheckResult.Fail(item, $"CloudWatch Logs delivery is failing: {error}");
            }

            if (CheckSupport.Time(item.Payload.Str("collectedAt")) is not { } collectedAt)
            {
                return CheckResult.Error(item, "evidence incomplete: no answer time (collectedAt) to measure the last delivery from");
            }

            var last = status.Prop("LatestCloudWatchLogsDeliveryTime") switch
            {
                { ValueKind: JsonValueKind.Number } n => DateTimeOffset.FromUnixTimeMilliseconds((long)(n.GetDouble() * 1000)),
                { ValueKind: JsonValueKind.String } t => CheckSupport.Time(t.GetString()),
                _ => null,
            };
            return last is null ? CheckResult.Fail(item, "configured, but CloudTrail reports no delivery to CloudWatch Logs yet")
                : collectedAt - last.Value > DeliveryWindow ? CheckResult.Fail(item, $"the last delivery to CloudWatch Logs was {last.Value.ToWire()}, more than 24 h before {collectedAt.ToWire()}")
                : CheckResult.Pass(item, $"delivered to CloudWatch Logs at {last.Value.ToWire()}");
        });
}
