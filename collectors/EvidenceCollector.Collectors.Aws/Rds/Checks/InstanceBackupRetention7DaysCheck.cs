using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

public sealed class InstanceBackupRetention7DaysCheck : ICheck
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
