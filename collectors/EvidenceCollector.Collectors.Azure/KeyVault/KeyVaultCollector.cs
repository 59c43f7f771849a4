using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault;

/// <summary>
/// The subscription's key vaults, each stored as its ARM JSON with its diagnostic settings
/// (<c>related.diagnosticSettings</c>). Management plane only: no key, secret or certificate is read.
/// </summary>
public sealed class KeyVaultCollector(ArmReader reader) : ICollector
{
    public const string ApiVersion = "2023-07-01";
    public const string DiagnosticSettingsApiVersion = "2021-05-01-preview";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.keyvault", "keyvault", true, [AzureKinds.KeyVault]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        await ArmLists.CollectAsync(reader, result, AzureKinds.KeyVault, "Microsoft.KeyVault", $"/subscriptions/{context.Target.Account}/providers/Microsoft.KeyVault/vaults", ApiVersion, cancellationToken,
            (vault, ct) => ArmLists.RelateAsync(reader, vault, "diagnosticSettings", $"{vault.Id}/providers/Microsoft.Insights/diagnosticSettings", DiagnosticSettingsApiVersion, list: true, ct)).ConfigureAwait(false);
        return result;
    }
}
