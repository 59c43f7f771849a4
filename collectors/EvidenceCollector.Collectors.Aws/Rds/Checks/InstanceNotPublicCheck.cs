using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

public sealed class InstanceNotPublicCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Instances.Meta("aws.rds.instance_not_public", "RDS instances are not publicly accessible", Severity.Critical,
        "A publicly accessible database endpoint is reachable from the internet and exposed to brute force and exploits.", "Set PubliclyAccessible to false.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Instances.Each(input, item => item.Payload.Bool("PubliclyAccessible") is { } p
            ? CheckResult.Of(item, !p, "not publicly accessible", "publicly accessible")
            : CheckResult.Error(item, "PubliclyAccessible missing from the evidence"));
}
