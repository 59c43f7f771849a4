using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketSecureTransportRequiredCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_secure_transport_required", "S3 bucket policies deny requests without TLS", Severity.Medium,
        "Denying aws:SecureTransport=false ensures data in transit to the bucket is always encrypted.",
        "Add a Deny statement for all principals with Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Policy"], item =>
        {
            var bucketArn = item.Payload.Path("Bucket", "BucketName")?.GetString() is { } name ? $"arn:{AwsArn.Partition(item.Region)}:s3:::{name}" : item.ResourceId;
            var denies = item.Payload.Path("Policy", "Policy") is { } policy && CheckSupport.Statements(policy).Any(s =>
                s.Str("Effect") == "Deny" && CheckSupport.IsEveryone(s.Prop("Principal")) &&
                CheckSupport.Strings(s.Prop("Action")).Any(a => a is "*" or "s3:*") &&
                CoversBucketAndObjects(CheckSupport.Strings(s.Prop("Resource")), bucketArn) &&
                s.Path("Condition", "Bool") is { ValueKind: JsonValueKind.Object } b &&
                b.EnumerateObject().Any(k => string.Equals(k.Name, "aws:SecureTransport", StringComparison.OrdinalIgnoreCase) &&
                    CheckSupport.Strings(k.Value).Any(v => string.Equals(v, "false", StringComparison.OrdinalIgnoreCase))));
            return CheckResult.Of(item, denies, "the policy denies insecure transport", "no policy statement denies every action without TLS (aws:SecureTransport=false) on the bucket and its objects");
        });

    /// <summary>True when the resources cover the bucket and every object in it.</summary>
    private static bool CoversBucketAndObjects(IReadOnlyList<string> resources, string bucketArn) =>
        resources.Contains("*") ||
        (resources.Contains(bucketArn) && (resources.Contains(bucketArn + "/*") || resources.Contains(bucketArn + "*")));
}
