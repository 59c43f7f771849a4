using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Kms.Checks;

public sealed class CmkRotationEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.kms.cmk_rotation_enabled", "Customer-managed KMS keys rotate automatically", Severity.Medium, "AwsKmsKey",
        "Automatic rotation limits how much data one key version protects (key lifecycle management).",
        "Enable automatic key rotation (EnableKeyRotation).", [AwsKinds.KmsKey], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(
            input,
            AwsKinds.KmsKey,
            ["KeyMetadata", "Rotation"],
            item =>
            {
                var meta = item.Payload.Prop("KeyMetadata");
                if (meta?.Str("KeyManager") is null || meta?.Str("KeyState") is null)
                {
                    return CheckResult.Error(item, "evidence incomplete: KeyMetadata has no KeyManager or KeyState");
                }

                if (meta?.Str("KeyManager") != "CUSTOMER" || meta?.Str("KeySpec") != "SYMMETRIC_DEFAULT" || meta?.Str("KeyState") != "Enabled")
                {
                    return null;
                }

                // Automatic rotation exists only for keys whose material KMS generated and holds itself.
                if (meta?.Str("Origin") is { } origin && origin != "AWS_KMS")
                {
                    return CheckResult.NotApplicable(item, $"automatic rotation is not available for keys of origin {origin} (imported material or a custom key store): rotate them by hand");
                }

                if (meta?.Str("CustomKeyStoreId") is { Length: > 0 } store)
                {
                    return CheckResult.NotApplicable(item, $"automatic rotation is not available for keys in custom key store {store}: rotate them by hand");
                }

                return item.Payload.Path("Rotation")?.Bool("KeyRotationEnabled") is not { } enabled
                    ? CheckResult.Error(item, "evidence incomplete: the rotation status of this key was not collected")
                    : CheckResult.Of(item, enabled, "automatic rotation enabled", "automatic rotation disabled");
            },
            optional: ["Rotation"]);
}
