using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Compute;

/// <summary>
/// The subscription's managed disks and virtual machines, each stored as its ARM JSON (read through the ARM helper,
/// not the typed Compute package, whose models are not the ARM JSON evidence must hold).
/// </summary>
public sealed class ComputeCollector(ArmReader reader) : ICollector
{
    public const string DisksApiVersion = "2023-04-02";
    public const string VirtualMachinesApiVersion = "2024-03-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.compute", "compute", true, [AzureKinds.Disk, AzureKinds.VirtualMachine]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var subscription = $"/subscriptions/{context.Target.Account}";
        await ArmLists.CollectAsync(reader, result, AzureKinds.Disk, "Microsoft.Compute", $"{subscription}/providers/Microsoft.Compute/disks", DisksApiVersion, cancellationToken).ConfigureAwait(false);
        await ArmLists.CollectAsync(reader, result, AzureKinds.VirtualMachine, "Microsoft.Compute", $"{subscription}/providers/Microsoft.Compute/virtualMachines", VirtualMachinesApiVersion, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
