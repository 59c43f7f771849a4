using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

internal static class Instances
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        new(Provider.Aws, id, title, severity, "AwsRdsDbInstance", rationale, remediation, [AwsKinds.RdsDbInstance], ItemByItem: true);

    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, CheckResult> judge) =>
        CheckSupport.Each(input, AwsKinds.RdsDbInstance, [], judge);
}

public sealed class StorageEncryptedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_storage_encrypted", "RDS instances encrypt storage", Severity.High,
        "Storage encryption protects data, backups and snapshots at rest.", "Restore from an encrypted snapshot copy; encryption cannot be switched on in place.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => CheckResult.Of(item, item.Payload.Bool("StorageEncrypted") == true, "storage encrypted", "storage not encrypted"));
}

public sealed class NotPublicCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_not_public", "RDS instances are not publicly accessible", Severity.Critical,
        "A publicly accessible database endpoint is reachable from the internet and exposed to brute force and exploits.", "Set PubliclyAccessible to false.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => item.Payload.Bool("PubliclyAccessible") is { } p
            ? CheckResult.Of(item, !p, "not publicly accessible", "publicly accessible")
            : CheckResult.Error(item, "PubliclyAccessible missing from the evidence"));
}

public sealed class BackupRetentionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_backup_retention_7_days", "RDS instances keep automated backups for 7 days or more", Severity.Medium,
        "Automated backups with enough retention allow point-in-time recovery after loss or corruption.", "Set BackupRetentionPeriod to at least 7 days.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => CheckResult.Of(item, item.Payload.Long("BackupRetentionPeriod") is >= 7,
            $"backup retention {item.Payload.Long("BackupRetentionPeriod")} days", $"backup retention {item.Payload.Long("BackupRetentionPeriod")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"} is below 7 days"));
}

public sealed class DeletionProtectionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_deletion_protection", "RDS instances have deletion protection", Severity.Medium,
        "Deletion protection stops a database being dropped by mistake or by a single compromised call.", "Enable DeletionProtection.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => CheckResult.Of(item, item.Payload.Bool("DeletionProtection") == true, "deletion protection enabled", "deletion protection disabled"));
}
