using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage;

/// <summary>
/// The subscription's storage accounts, each stored as its ARM JSON (region: its location) with its blob services
/// (<c>related.blobServices</c>: soft delete settings). Never calls listKeys.
/// </summary>
public sealed class StorageCollector(ArmReader reader) : ICollector
{
    public const string ApiVersion = "2023-05-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.storage", "storage", true, [AzureKinds.StorageAccount]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        await ArmLists.CollectAsync(reader, result, AzureKinds.StorageAccount, "Microsoft.Storage", $"/subscriptions/{context.Target.Account}/providers/Microsoft.Storage/storageAccounts", ApiVersion, cancellationToken,
            (account, ct) => ArmLists.RelateAsync(reader, account, "blobServices", $"{account.Id}/blobServices", ApiVersion, list: true, ct)).ConfigureAwait(false);
        return result;
    }
}
