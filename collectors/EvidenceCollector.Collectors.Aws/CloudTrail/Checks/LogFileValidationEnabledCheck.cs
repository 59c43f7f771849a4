using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

public sealed class LogFileValidationEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.log_file_validation_enabled", "Trail log file validation is enabled", Severity.Medium, "AwsCloudTrailTrail",
        "Digest files let an investigator prove that log files were not altered or deleted after delivery.",
        "Enable log file validation on the trail.", [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, [], (item, trail) => CheckResult.Of(item, trail.Bool("LogFileValidationEnabled") == true, "log file validation enabled", "log file validation disabled"));
}
