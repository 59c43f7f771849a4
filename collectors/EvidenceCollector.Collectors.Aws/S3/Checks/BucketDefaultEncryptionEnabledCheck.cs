using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketDefaultEncryptionEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_default_encryption_enabled", "S3 buckets have default encryption", Severity.Medium,
        "Default encryption protects every object written without an explicit encryption header.", "Configure default encryption (SSE-S3 or SSE-KMS) on the bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Encryption"], item =>
        {
            var rules = Buckets.EncryptionDefaults(item).Select(d => d.Str("SSEAlgorithm")).Where(a => !string.IsNullOrEmpty(a)).ToList();
            return CheckResult.Of(item, item.Payload.Path("Encryption")?.Bool("Configured") == true && rules.Count > 0,
                $"default encryption {string.Join(",", rules)}", "no default encryption configured");
        });
}
