using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Logs.Checks;

public sealed class LogGroupKmsEncryptedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.logs.log_group_kms_encrypted", "Log groups are encrypted with KMS keys", Severity.Low, "AwsLogsLogGroup",
        "A customer-managed key controls and audits who can read log data that may hold sensitive information.",
        "Associate a KMS key with the log group (AssociateKmsKey).", [AwsKinds.LogsLogGroup], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.LogsLogGroup, [], item =>
            item.Payload.Prop("kmsKeyId") is { ValueKind: not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Null) } odd
                ? CheckResult.Error(item, $"kmsKeyId is not a key ARN: {odd.GetRawText()}")
                : CheckResult.Of(item, !string.IsNullOrEmpty(item.Payload.Str("kmsKeyId")), "encrypted with a KMS key", "not encrypted with a KMS key"));
}
