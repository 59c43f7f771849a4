using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Defender;

/// <summary>
/// Defender for Cloud at subscription scope: the plans' pricings, the security contacts (the
/// <c>2023-12-01-preview</c> shape, falling back to <c>2020-01-01-preview</c> where the newer version is refused) and the
/// auto-provisioning settings (deprecated by Microsoft: recorded as evidence, graded by no check).
/// </summary>
public sealed class DefenderCollector(ArmReader reader) : ICollector
{
    public const string PricingsApiVersion = "2024-01-01";
    public const string SecurityContactsApiVersion = "2023-12-01-preview";
    public const string SecurityContactsFallbackApiVersion = "2020-01-01-preview";
    public const string AutoProvisioningApiVersion = "2017-08-01-preview";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.defender", "defender", true, [AzureKinds.DefenderPricing, AzureKinds.SecurityContact, AzureKinds.AutoProvisioning, AzureKinds.DefenderListing]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var security = $"/subscriptions/{context.Target.Account}/providers/Microsoft.Security";
        await ArmLists.CollectAsync(reader, result, AzureKinds.DefenderPricing, "Microsoft.Security", $"{security}/pricings", PricingsApiVersion, cancellationToken, listingKind: AzureKinds.DefenderListing, dependentKinds: [AzureKinds.SecurityContact, AzureKinds.AutoProvisioning]).ConfigureAwait(false);

        // The newer contacts API is not offered everywhere yet (sovereign clouds, Azure Stack): a refused api-version
        // is retried once with the older one, whose shape the checks read too. Any other failure stays an error.
        var contacts = result.Child();
        await ArmLists.CollectAsync(reader, contacts, AzureKinds.SecurityContact, "Microsoft.Security", $"{security}/securityContacts", SecurityContactsApiVersion, cancellationToken, listingKind: AzureKinds.DefenderListing).ConfigureAwait(false);
        if (contacts.Errors.Count == 1 && contacts.Errors[0].Code is "NoRegisteredProviderFound" or "InvalidApiVersionParameter" or "InvalidResourceType")
        {
            contacts = result.Child();
            await ArmLists.CollectAsync(reader, contacts, AzureKinds.SecurityContact, "Microsoft.Security", $"{security}/securityContacts", SecurityContactsFallbackApiVersion, cancellationToken, listingKind: AzureKinds.DefenderListing).ConfigureAwait(false);
        }

        result.Records.AddRange(contacts.Records);
        result.Errors.AddRange(contacts.Errors);
        result.NotApplicable.AddRange(contacts.NotApplicable);
        await ArmLists.CollectAsync(reader, result, AzureKinds.AutoProvisioning, "Microsoft.Security", $"{security}/autoProvisioningSettings", AutoProvisioningApiVersion, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
