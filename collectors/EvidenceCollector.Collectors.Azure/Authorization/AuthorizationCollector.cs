using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Authorization;

/// <summary>
/// Role assignments that apply at a subscription (direct, inherited from management groups, and below it) and the
/// subscription's custom role definitions, each stored as its ARM JSON. Each list is a section of its own: a denied
/// or failed one is an error for its kind only and blocks nothing else.
/// </summary>
public sealed class AuthorizationCollector(ArmReader reader) : ICollector
{
    public const string ApiVersion = "2022-04-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.authorization", "authorization", true, [AzureKinds.RoleAssignment, AzureKinds.RoleDefinition]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var subscription = $"/subscriptions/{context.Target.Account}";
        await ArmLists.CollectAsync(reader, result, AzureKinds.RoleAssignment, "Microsoft.Authorization", $"{subscription}/providers/Microsoft.Authorization/roleAssignments", ApiVersion, cancellationToken).ConfigureAwait(false);
        await ArmLists.CollectAsync(reader, result, AzureKinds.RoleDefinition, "Microsoft.Authorization", $"{subscription}/providers/Microsoft.Authorization/roleDefinitions?$filter={Uri.EscapeDataString("type eq 'CustomRole'")}", ApiVersion, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
