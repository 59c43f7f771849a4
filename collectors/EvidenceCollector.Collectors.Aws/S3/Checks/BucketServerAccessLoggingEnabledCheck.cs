using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketServerAccessLoggingEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_server_access_logging_enabled", "S3 buckets log server access", Severity.Medium,
        "Server access logs record who requested which object, for investigations.", "Enable server access logging to a dedicated log bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Logging"], item =>
            CheckResult.Of(item, !string.IsNullOrEmpty(item.Payload.Path("Logging")?.Str("TargetBucketName")), "server access logging enabled", "server access logging disabled"));
}
