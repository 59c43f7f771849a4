using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class EbsEncryptionByDefaultCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.ec2.ebs_encryption_by_default", "EBS encryption by default is enabled", Severity.High, "AwsEc2Region",
        "With encryption by default every new volume and snapshot in the region is encrypted.",
        "Enable EBS encryption by default in every region (EnableEbsEncryptionByDefault).", [AwsKinds.Ec2EbsEncryptionDefault], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.Ec2EbsEncryptionDefault, [], item =>
            item.Payload.Bool("EbsEncryptionByDefault") is { } on ? CheckResult.Of(item, on, "enabled", "disabled") : CheckResult.Error(item, "EbsEncryptionByDefault missing from the evidence"));
}
