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
