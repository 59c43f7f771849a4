using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class VolumeEncryptedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.ec2.volume_encrypted", "EBS volumes are encrypted", Severity.High, "AwsEc2Volume",
        "Encrypted volumes protect data at rest and in their snapshots.", "Copy the data to an encrypted volume (or snapshot, copy encrypted, restore).",
        [AwsKinds.Ec2Volume], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.Ec2Volume, [], item => item.Payload.Bool("Encrypted") is { } encrypted
            ? CheckResult.Of(item, encrypted, "encrypted", "not encrypted")
            : CheckResult.Error(item, "Encrypted missing from the evidence"));
}
