using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

public sealed class KmsEncryptionEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.kms_encryption_enabled", "Trail logs are encrypted with KMS", Severity.Medium, "AwsCloudTrailTrail",
        "SSE-KMS adds a key policy in front of the audit logs and records every decryption.",
        "Configure a KMS key on the trail (KmsKeyId).", [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, [], (item, trail) => CheckResult.Of(item, !string.IsNullOrEmpty(trail.Str("KmsKeyId")), "logs encrypted with a KMS key", "logs not encrypted with a KMS key"));
}
