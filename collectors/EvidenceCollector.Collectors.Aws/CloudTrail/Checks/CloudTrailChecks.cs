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

public sealed class MultiRegionTrailCheck : ICheck
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

public sealed class TrailLoggingCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.trail_logging", "Trails are logging", Severity.High, "AwsCloudTrailTrail",
        "A stopped trail records nothing; the audit trail has a gap.", "Start logging on the trail (StartLogging).",
        [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, ["Status"], (item, _) => CheckResult.Of(item, item.Payload.Path("Status")?.Bool("IsLogging") == true, "the trail is logging", "the trail is not logging"));
}

public sealed class LogFileValidationCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.log_file_validation_enabled", "Trail log file validation is enabled", Severity.Medium, "AwsCloudTrailTrail",
        "Digest files let an investigator prove that log files were not altered or deleted after delivery.",
        "Enable log file validation on the trail.", [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, [], (item, trail) => CheckResult.Of(item, trail.Bool("LogFileValidationEnabled") == true, "log file validation enabled", "log file validation disabled"));
}

public sealed class TrailKmsEncryptionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.kms_encryption_enabled", "Trail logs are encrypted with KMS", Severity.Medium, "AwsCloudTrailTrail",
        "SSE-KMS adds a key policy in front of the audit logs and records every decryption.",
        "Configure a KMS key on the trail (KmsKeyId).", [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, [], (item, trail) => CheckResult.Of(item, !string.IsNullOrEmpty(trail.Str("KmsKeyId")), "logs encrypted with a KMS key", "logs not encrypted with a KMS key"));
}

public sealed class TrailCloudWatchLogsCheck : ICheck
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

public sealed class TrailBucketNotPublicCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.trail_bucket_not_public", "The trail's S3 bucket is not public", Severity.Critical, "AwsCloudTrailTrail",
        "Public audit logs disclose the account's activity and may be tampered with.",
        "Remove public ACL grants and public policy statements from the bucket; enable its public access block.",
        [AwsKinds.CloudTrailTrail, AwsKinds.S3Bucket, AwsKinds.S3AccountPublicAccessBlock]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var buckets = input.OfKind(AwsKinds.S3Bucket).ToDictionary(b => b.ResourceId, StringComparer.Ordinal);
        var account = input.OfKind(AwsKinds.S3AccountPublicAccessBlock).FirstOrDefault();
        return Trails.Home(input, [], (item, trail) =>
        {
            var name = trail.Str("S3BucketName");
            if (name is null)
            {
                return CheckResult.Error(item, "evidence incomplete: the trail names no S3 bucket");
            }

            // An organization trail seen from a member account belongs to the management account: its bucket is
            // judged with the account that owns the trail, not once more in every member.
            var owner = item.ResourceId.Split(':') is { Length: > 4 } parts ? parts[4] : input.Account;
            if (owner != input.Account)
            {
                return CheckResult.NotApplicable(item, $"organization trail owned by account {owner}: its bucket {name} is judged with that account");
            }

            if (!buckets.TryGetValue($"arn:{AwsArn.Partition(item.Region)}:s3:::{name}", out var bucket))
            {
                // Not seen: its exposure is unknown here (it may be another account's log archive, judged there).
                return CheckResult.Error(item, buckets.Count == 0
                    ? $"evidence incomplete: no S3 bucket evidence to judge the trail's bucket {name}"
                    : $"the trail's bucket {name} is not among this account's buckets (another account's log archive?): its exposure is not evidenced here");
            }

            var used = account is null ? new[] { item, bucket } : [item, bucket, account];
            var exposure = S3.Checks.BucketExposure.Judge(bucket, account);
            var status = exposure.Error is not null ? FindingStatus.Error : exposure.Public ? FindingStatus.Fail : FindingStatus.Pass;
            var message = exposure.Error ?? (exposure.Public ? $"trail bucket {name} is public: {exposure.Reason}" : $"trail bucket {name} is not public");
            return EvidenceChecks.Result(item.ResourceId, item.Region, status, message, used);
        });
    }
}
