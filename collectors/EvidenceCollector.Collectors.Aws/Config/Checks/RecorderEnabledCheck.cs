using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Config.Checks;

public sealed class RecorderEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.config.recorder_enabled", "AWS Config records in the region", Severity.Medium, "AwsConfigRecorder",
        "The configuration recorder keeps the history of resource configurations that configuration management needs.",
        "Create a configuration recorder and start it (StartConfigurationRecorder).", [AwsKinds.ConfigRecorders]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.ConfigRecorders, ["Status"], item =>
        {
            if (!item.Payload.Array("ConfigurationRecorders").Any())
            {
                return CheckResult.Fail(item, "no configuration recorder in the region");
            }

            var recording = item.Payload.Path("Status").GetValueOrDefault().Array("ConfigurationRecordersStatus")
                .Any(s => s.Bool("recording") == true && !string.Equals(s.Str("lastStatus"), "FAILURE", StringComparison.OrdinalIgnoreCase));
            return CheckResult.Of(item, recording, "a recorder is recording", "no recorder is recording successfully");
        });
}
