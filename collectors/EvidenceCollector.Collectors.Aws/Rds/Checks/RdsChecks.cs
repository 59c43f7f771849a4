using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

internal static class Instances
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        new(Provider.Aws, id, title, severity, "AwsRdsDbInstance", rationale, remediation, [AwsKinds.RdsDbInstance], ItemByItem: true);

    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, CheckResult> judge) =>
        EvidenceChecks.Each(input, AwsKinds.RdsDbInstance, [], judge);

    /// <summary>
    /// Where a setting the cluster owns is read: the instance's cluster (<c>DBCluster</c>) when it belongs to one,
    /// else the instance. An error is a cluster that could not be read.
    /// </summary>
    public static (System.Text.Json.JsonElement Source, string Where, string? Error) Owner(EvidenceItem item)
    {
        if (item.Payload.Str("DBClusterIdentifier") is not { } cluster)
        {
            return (item.Payload, "instance", null);
        }

        if (item.Payload.SectionError("DBCluster") is { } error)
        {
            return (default, cluster, $"the instance belongs to cluster {cluster}, which could not be read: {error}");
        }

        return item.Payload.Prop("DBCluster") is { ValueKind: System.Text.Json.JsonValueKind.Object } c
            ? (c, $"cluster {cluster}", null)
            : (default, cluster, $"evidence incomplete: the instance belongs to cluster {cluster}, but its cluster was not collected");
    }
}

public sealed class StorageEncryptedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_storage_encrypted", "RDS instances encrypt storage", Severity.High,
        "Storage encryption protects data, backups and snapshots at rest.", "Restore from an encrypted snapshot copy; encryption cannot be switched on in place.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => item.Payload.Bool("StorageEncrypted") is { } encrypted
            ? CheckResult.Of(item, encrypted, "storage encrypted", "storage not encrypted")
            : CheckResult.Error(item, "StorageEncrypted missing from the evidence"));
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
        Instances.Each(input, item =>
        {
            var (source, where, error) = Instances.Owner(item);
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            var days = source.Long("BackupRetentionPeriod");
            return CheckResult.Of(item, days is >= 7, $"backup retention {days} days ({where})",
                $"backup retention {days?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"} is below 7 days ({where})");
        });
}

public sealed class DeletionProtectionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_deletion_protection", "RDS instances have deletion protection", Severity.Medium,
        "Deletion protection stops a database being dropped by mistake or by a single compromised call.", "Enable DeletionProtection.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item =>
        {
            var (source, where, error) = Instances.Owner(item);
            return error is not null
                ? CheckResult.Error(item, error)
                : CheckResult.Of(item, source.Bool("DeletionProtection") == true, $"deletion protection enabled ({where})", $"deletion protection disabled ({where})");
        });
}
