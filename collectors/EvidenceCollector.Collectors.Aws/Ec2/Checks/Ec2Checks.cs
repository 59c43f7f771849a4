using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

internal static class Rules
{
    /// <summary>An error when a rule list is absent or not a list (AWS always answers one, empty when there are no rules).</summary>
    public static CheckResult? Unreadable(EvidenceItem item, params string[] lists) =>
        lists.FirstOrDefault(l => item.Payload.Prop(l) is not { ValueKind: JsonValueKind.Array }) is { } missing
            ? CheckResult.Error(item, $"evidence incomplete: {missing} is not a list of rules")
            : null;

    /// <summary>True when the permission admits 0.0.0.0/0 or ::/0.</summary>
    public static bool FromInternet(JsonElement permission)
    {
        var v4 = permission.Array("Ipv4Ranges").Concat(permission.Array("IpRanges"))
            .Any(r => (r.ValueKind == JsonValueKind.String ? r.GetString() : r.Str("CidrIp")) == "0.0.0.0/0");
        var v6 = permission.Array("Ipv6Ranges").Any(r => r.Str("CidrIpv6") == "::/0");
        return v4 || v6;
    }

    public static bool AllTraffic(JsonElement permission) =>
        permission.Str("IpProtocol") == "-1" || (permission.Long("FromPort") is 0 or -1 && permission.Long("ToPort") is 65535 or -1 && permission.Str("IpProtocol") is "tcp" or "6");

    /// <param name="udpToo">RDP listens on TCP and UDP 3389: both count; SSH is TCP only, so a UDP 22 rule opens nothing.</param>
    public static bool Covers(JsonElement permission, int port, bool udpToo)
    {
        if (permission.Str("IpProtocol") == "-1")
        {
            return true;
        }

        var protocol = permission.Str("IpProtocol");
        if (!(protocol is "tcp" or "6" || (udpToo && protocol is "udp" or "17")))
        {
            return false;
        }

        return permission.Long("FromPort") is { } from && permission.Long("ToPort") is { } to && from <= port && port <= to;
    }

    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        new(Provider.Aws, id, title, severity, "AwsEc2SecurityGroup", rationale, remediation, [AwsKinds.Ec2SecurityGroup], ItemByItem: true);

    public static IEnumerable<CheckResult> Ingress(CheckInput input, Func<JsonElement, bool> bad, string what) =>
        EvidenceChecks.Each(input, AwsKinds.Ec2SecurityGroup, [], item =>
        {
            if (Unreadable(item, "IpPermissions") is { } error)
            {
                return error;
            }

            var open = item.Payload.Array("IpPermissions").Any(p => FromInternet(p) && bad(p));
            return CheckResult.Of(item, !open, $"no ingress from the internet to {what}", $"ingress from 0.0.0.0/0 or ::/0 to {what}");
        });
}

public sealed class SecurityGroupSshCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.sg_no_internet_ingress_ssh", "Security groups do not open SSH (22) to the internet", Severity.High,
        "SSH open to the internet invites brute force and exploitation of the administrative interface.", "Restrict port 22 to known ranges or use Session Manager.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => Rules.Ingress(input, p => Rules.Covers(p, 22, udpToo: false), "TCP port 22");
}

public sealed class SecurityGroupRdpCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.sg_no_internet_ingress_rdp", "Security groups do not open RDP (3389) to the internet", Severity.High,
        "RDP open to the internet is a leading ransomware entry point.", "Restrict port 3389 to known ranges or use Fleet Manager / a bastion.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => Rules.Ingress(input, p => Rules.Covers(p, 3389, udpToo: true), "port 3389");
}

public sealed class SecurityGroupAllPortsCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.sg_no_internet_ingress_all_ports", "Security groups do not open all ports to the internet", Severity.Critical,
        "All traffic from anywhere removes network filtering altogether.", "Replace the rule by the specific ports and sources needed.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => Rules.Ingress(input, Rules.AllTraffic, "all ports");
}

public sealed class DefaultSecurityGroupCheck : ICheck
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

public sealed class EbsDefaultEncryptionCheck : ICheck
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

public sealed class VpcFlowLogsCheck : ICheck
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
