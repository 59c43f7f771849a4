using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

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
