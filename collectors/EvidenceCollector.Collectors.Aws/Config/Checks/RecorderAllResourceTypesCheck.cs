using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Config.Checks;

public sealed class RecorderAllResourceTypesCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.config.recorder_all_resource_types", "AWS Config records all supported resource types", Severity.Medium, "AwsConfigRecorder",
        "A recorder limited to some resource types leaves the rest of the estate without configuration history.",
        "Set recordingGroup.allSupported to true.", [AwsKinds.ConfigRecorders]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.ConfigRecorders, [], item =>
        {
            if (item.Payload.Prop("ConfigurationRecorders") is not { ValueKind: JsonValueKind.Array })
            {
                return CheckResult.Error(item, "evidence incomplete: ConfigurationRecorders is not a list");
            }

            var recorders = item.Payload.Array("ConfigurationRecorders").ToList();
            if (recorders.Count == 0)
            {
                return CheckResult.Fail(item, "no configuration recorder in the region");
            }

            return CheckResult.Of(item, recorders.Any(r => r.Prop("recordingGroup") is { } g && g.Bool("allSupported") == true),
                "all supported resource types recorded", "the recorder does not record all supported resource types");
        });
}
