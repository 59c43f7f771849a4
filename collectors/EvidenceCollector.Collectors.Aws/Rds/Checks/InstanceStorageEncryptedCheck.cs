using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

public sealed class InstanceStorageEncryptedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_storage_encrypted", "RDS instances encrypt storage", Severity.High,
        "Storage encryption protects data, backups and snapshots at rest.", "Restore from an encrypted snapshot copy; encryption cannot be switched on in place.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => item.Payload.Bool("StorageEncrypted") is { } encrypted
            ? CheckResult.Of(item, encrypted, "storage encrypted", "storage not encrypted")
            : CheckResult.Error(item, "StorageEncrypted missing from the evidence"));
}
