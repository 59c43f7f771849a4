using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketVersioningEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_versioning_enabled", "S3 buckets have versioning enabled", Severity.Medium,
        "Versioning keeps prior object versions so deleted or overwritten data can be restored.", "Enable versioning on the bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Versioning"], item =>
            CheckResult.Of(item, item.Payload.Path("Versioning")?.Str("Status") == "Enabled", "versioning enabled", "versioning not enabled"));
}
