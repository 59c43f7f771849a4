using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class DefaultSgRestrictsTrafficCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.default_sg_restricts_traffic", "Default security groups allow no traffic", Severity.High,
        "Resources launched without an explicit group land in the default one; it should not admit or emit traffic.",
        "Remove every inbound and outbound rule of the default security group.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.Ec2SecurityGroup, [], item =>
        {
            if (item.Payload.Str("GroupName") != "default")
            {
                return null;
            }

            if (Rules.Unreadable(item, "IpPermissions", "IpPermissionsEgress") is { } error)
            {
                return error;
            }

            var rules = item.Payload.Array("IpPermissions").Count() + item.Payload.Array("IpPermissionsEgress").Count();
            return CheckResult.Of(item, rules == 0, "the default security group has no rules", $"the default security group has {rules} rules");
        });
}
