using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.CloudTrail.Checks;

public sealed class TrailLoggingCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.cloudtrail.trail_logging", "Trails are logging", Severity.High, "AwsCloudTrailTrail",
        "A stopped trail records nothing; the audit trail has a gap.", "Start logging on the trail (StartLogging).",
        [AwsKinds.CloudTrailTrail]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Trails.Home(input, ["Status"], (item, _) => CheckResult.Of(item, item.Payload.Path("Status")?.Bool("IsLogging") == true, "the trail is logging", "the trail is not logging"));
}
