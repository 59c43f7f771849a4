using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Config.Checks;

public sealed class DeliveryChannelConfiguredCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.config.delivery_channel_configured", "AWS Config has a delivery channel", Severity.Low, "AwsConfigRecorder",
        "Without a delivery channel configuration snapshots and history are not kept outside the service.",
        "Create a delivery channel to an S3 bucket.", [AwsKinds.ConfigRecorders]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.ConfigRecorders, ["Delivery"], item =>
            CheckResult.Of(item, item.Payload.Path("Delivery").GetValueOrDefault().Array("DeliveryChannels").Any(c => !string.IsNullOrEmpty(c.Str("s3BucketName"))),
                "a delivery channel to S3 exists", "no delivery channel"));
}
