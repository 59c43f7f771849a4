using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketKmsEncryptionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_kms_encryption", "S3 buckets encrypt with KMS keys", Severity.Low,
        "SSE-KMS puts a key policy and CloudTrail-logged key use in front of the data.", "Set the bucket's default encryption to aws:kms with a customer-managed key.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Encryption"], item =>
        {
            var kms = Buckets.EncryptionDefaults(item).Where(d => d.Str("SSEAlgorithm") is "aws:kms" or "aws:kms:dsse").ToList();

            // aws:kms with no key id (or the alias aws/s3) is the AWS managed key: no key policy of the organisation's own.
            var customer = kms.Any(d => d.Str("KMSMasterKeyID") is { Length: > 0 } key && !key.EndsWith("alias/aws/s3", StringComparison.Ordinal));
            return CheckResult.Of(item, customer, "default encryption uses a customer-managed KMS key",
                kms.Count > 0 ? "default encryption uses the AWS managed key (aws:kms without a customer key)" : "default encryption does not use KMS");
        });
}
