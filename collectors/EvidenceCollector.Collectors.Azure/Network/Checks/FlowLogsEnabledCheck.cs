using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

/// <summary>
/// Each NSG's traffic is flow-logged: an enabled NSG flow log targets it, or an enabled VNet flow log targets a
/// virtual network (or subnet) whose subnets the NSG guards. NSG flow logs are being retired: either kind counts.
/// </summary>
public sealed class FlowLogsEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.network.flow_logs_enabled", "Network traffic through each NSG is flow-logged", Severity.Medium, "AzureNetworkSecurityGroup",
        "Flow logs are the record of which addresses talked to which over the network: without them an intrusion or exfiltration leaves no network trace.",
        "Create a VNet flow log for the virtual network (or an NSG flow log) in its region's Network Watcher, enabled, with retention.",
        AzureKinds.NetworkSecurityGroup, AzureKinds.VirtualNetwork, AzureKinds.NetworkWatcher);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var (logs, failed) = FlowLogs.Read(input);
        var incomplete = input.IncompleteKinds.Contains(AzureKinds.NetworkWatcher) || input.IncompleteKinds.Contains(AzureKinds.VirtualNetwork);
        var enabled = logs.Where(l => ArmJson.Bool(l.Properties, "enabled") == true).ToList();
        var networks = input.OfKind(AzureKinds.VirtualNetwork).ToList();
        foreach (var nsg in input.OfKind(AzureKinds.NetworkSecurityGroup))
        {
            var direct = enabled.FirstOrDefault(l => ArmJson.SameId(l.Target, nsg.ResourceId));
            var guarded = networks.SelectMany(n => ArmJson.Objects(ArmJson.Object(n.Payload, "properties"), "subnets").Select(s => (Network: n, Subnet: s)))
                .Where(x => ArmJson.SameId(ArmJson.Text(ArmJson.Object(ArmJson.Object(x.Subnet, "properties"), "networkSecurityGroup"), "id"), nsg.ResourceId)).ToList();
            var viaNetwork = enabled.FirstOrDefault(l => guarded.Any(x => ArmJson.SameId(l.Target, x.Network.ResourceId) || ArmJson.SameId(l.Target, ArmJson.Text(x.Subnet, "id"))));
            if ((direct ?? viaNetwork) is { } log)
            {
                yield return EvidenceChecks.Result(nsg.ResourceId, nsg.Region, FindingStatus.Pass, $"{ArmJson.Name(nsg)} is flow-logged by {log.Name}", [nsg, log.Watcher]);
            }
            else if (failed is { } f)
            {
                yield return EvidenceChecks.Result(nsg.ResourceId, nsg.Region, FindingStatus.Error, $"the flow logs of {ArmJson.Name(f.Watcher)} could not be read: {f.Error}", [nsg, f.Watcher]);
            }
            else if (incomplete)
            {
                yield return CheckResult.Error(nsg, "the Network Watchers or virtual networks could not all be listed, so a flow log may exist unseen");
            }
            else
            {
                var disabled = logs.Where(l => ArmJson.SameId(l.Target, nsg.ResourceId)).Select(l => l.Name).ToList();
                yield return CheckResult.Fail(nsg, $"no enabled flow log covers {ArmJson.Name(nsg)}" + (disabled.Count > 0 ? $" ({string.Join(", ", disabled)} is disabled)" : string.Empty));
            }
        }
    }
}
