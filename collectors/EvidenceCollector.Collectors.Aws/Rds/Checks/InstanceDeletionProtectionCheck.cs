using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

public sealed class InstanceDeletionProtectionCheck : ICheck
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
