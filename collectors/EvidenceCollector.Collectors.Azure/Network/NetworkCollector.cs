using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network;

/// <summary>
/// The subscription's network security groups, virtual networks and Network Watchers, each stored as its ARM JSON;
/// each watcher's flow logs (NSG and VNet flow logs alike) are read with it (<c>related.flowLogs</c>).
/// </summary>
public sealed class NetworkCollector(ArmReader reader) : ICollector
{
    public const string ApiVersion = "2023-09-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.network", "network", true, [AzureKinds.NetworkSecurityGroup, AzureKinds.VirtualNetwork, AzureKinds.NetworkWatcher]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var subscription = $"/subscriptions/{context.Target.Account}/providers/Microsoft.Network";
        await ArmLists.CollectAsync(reader, result, AzureKinds.NetworkSecurityGroup, "Microsoft.Network", $"{subscription}/networkSecurityGroups", ApiVersion, cancellationToken).ConfigureAwait(false);
        await ArmLists.CollectAsync(reader, result, AzureKinds.VirtualNetwork, "Microsoft.Network", $"{subscription}/virtualNetworks", ApiVersion, cancellationToken).ConfigureAwait(false);
        await ArmLists.CollectAsync(reader, result, AzureKinds.NetworkWatcher, "Microsoft.Network", $"{subscription}/networkWatchers", ApiVersion, cancellationToken,
            (watcher, ct) => ArmLists.RelateAsync(reader, watcher, "flowLogs", $"{watcher.Id}/flowLogs", ApiVersion, list: true, ct)).ConfigureAwait(false);
        return result;
    }
}
