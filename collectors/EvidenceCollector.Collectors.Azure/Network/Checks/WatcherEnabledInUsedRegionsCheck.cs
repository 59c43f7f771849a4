using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

/// <summary>
/// Every region that has virtual networks or network security groups has a Network Watcher (provisioned); a region
/// without one is reported on that region (<c>/subscriptions/&lt;id&gt;/locations/&lt;region&gt;</c>).
/// </summary>
public sealed class WatcherEnabledInUsedRegionsCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.network.watcher_enabled_in_used_regions", "A Network Watcher runs in every region with networks", Severity.Medium, "AzureNetworkWatcher",
        "Without a Network Watcher in a region there are no flow logs, connection troubleshooting or packet capture for the networks there.",
        "Enable Network Watcher in the region (it is created automatically unless that was opted out of).",
        AzureKinds.VirtualNetwork, AzureKinds.NetworkSecurityGroup, AzureKinds.NetworkWatcher);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var incomplete = Metadata.EvidenceKinds.Where(input.IncompleteKinds.Contains).ToList();
        if (incomplete.Count > 0)
        {
            yield return EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, $"{string.Join(", ", incomplete)} could not all be listed, so the regions cannot be judged", []);
            yield break;
        }

        var watchers = input.OfKind(AzureKinds.NetworkWatcher).ToList();
        var used = input.OfKind(AzureKinds.VirtualNetwork).Concat(input.OfKind(AzureKinds.NetworkSecurityGroup)).GroupBy(i => i.Region, StringComparer.OrdinalIgnoreCase);
        foreach (var region in used.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var watcher = watchers.FirstOrDefault(w => string.Equals(w.Region, region.Key, StringComparison.OrdinalIgnoreCase)
                && ArmJson.Text(ArmJson.Object(w.Payload, "properties"), "provisioningState") is null or "Succeeded");
            yield return watcher is not null
                ? CheckResult.Pass(watcher, $"{ArmJson.Name(watcher)} watches {region.Key}")
                : EvidenceChecks.Result($"{ArmJson.Subscription(input)}/locations/{region.Key}", region.Key, FindingStatus.Fail,
                    $"{region.Key} has {region.Count()} network resources and no Network Watcher", region);
        }
    }
}
