using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Kms.Checks;

public sealed class CmkNotPendingDeletionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.kms.cmk_not_pending_deletion", "Customer-managed KMS keys are not scheduled for deletion", Severity.High, "AwsKmsKey",
        "Deleting a key makes everything encrypted with it unrecoverable; scheduled deletions must be deliberate.",
        "Cancel the key deletion (CancelKeyDeletion) unless the data it protects is meant to be destroyed.", [AwsKinds.KmsKey], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.KmsKey, ["KeyMetadata"], item =>
        {
            var meta = item.Payload.Prop("KeyMetadata");
            if (meta?.Str("KeyManager") is null || meta?.Str("KeyState") is not { } state)
            {
                return CheckResult.Error(item, "evidence incomplete: KeyMetadata has no KeyManager or KeyState");
            }

            return meta?.Str("KeyManager") != "CUSTOMER" ? null
                : CheckResult.Of(item, state is not ("PendingDeletion" or "PendingReplicaDeletion"), "not pending deletion", $"{state} (DeletionDate {meta?.Str("DeletionDate")})");
        });
}
