using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class VpcFlowLogsEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.ec2.vpc_flow_logs_enabled", "VPCs have flow logs", Severity.Medium, "AwsEc2Vpc",
        "Flow logs record network traffic metadata for monitoring and investigations.", "Create a flow log (ALL or REJECT) for the VPC.",
        [AwsKinds.Ec2Vpc], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.Ec2Vpc, ["FlowLogs"], item =>
        {
            var logs = item.Payload.Path("FlowLogs").GetValueOrDefault().Array("FlowLogs").ToList();
            if (logs.Any(f => f.Str("FlowLogStatus") is null))
            {
                return CheckResult.Error(item, "evidence incomplete: a flow log has no FlowLogStatus");
            }

            // A flow log that records only ACCEPT misses the rejected traffic (scans, blocked attacks): ALL or REJECT is needed.
            var active = logs.Any(f => f.Str("FlowLogStatus") == "ACTIVE" && f.Str("DeliverLogsStatus") != "FAILED" && f.Str("TrafficType") is "ALL" or "REJECT");
            var acceptOnly = logs.Any(f => f.Str("FlowLogStatus") == "ACTIVE" && f.Str("TrafficType") == "ACCEPT");
            return CheckResult.Of(item, active, "an active flow log records ALL or REJECT traffic",
                acceptOnly ? "the active flow logs record only ACCEPT traffic (rejected traffic is not logged)" : "no active flow log delivering");
        });
}
