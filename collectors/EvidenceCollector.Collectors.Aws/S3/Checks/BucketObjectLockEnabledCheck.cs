using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketObjectLockEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_object_lock_enabled", "S3 buckets have Object Lock enabled", Severity.Low,
        "Object Lock makes backups and records immutable for their retention period (ransomware, accidental deletion).",
        "Enable Object Lock (new buckets, or via support for existing ones) with a default retention where records or backups are kept.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["ObjectLock"], item =>
            CheckResult.Of(item, item.Payload.Path("ObjectLock", "ObjectLockConfiguration")?.Str("ObjectLockEnabled") == "Enabled", "Object Lock enabled", "Object Lock not enabled"));
}
