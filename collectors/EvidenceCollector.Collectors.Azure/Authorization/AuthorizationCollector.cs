using System.Text.Json.Nodes;
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
        await ListAsync(result, AzureKinds.RoleAssignment, $"{subscription}/providers/Microsoft.Authorization/roleAssignments", cancellationToken).ConfigureAwait(false);
        await ListAsync(result, AzureKinds.RoleDefinition, $"{subscription}/providers/Microsoft.Authorization/roleDefinitions?$filter={Uri.EscapeDataString("type eq 'CustomRole'")}", cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task ListAsync(CollectionResult result, string kind, string path, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in reader.PagesAsync(path, ApiVersion, cancellationToken).ConfigureAwait(false))
            {
                if (!page.Body.TryGetProperty("value", out var value) || value.ValueKind != System.Text.Json.JsonValueKind.Array)
                {
                    throw new ArmException(page.Status, "MalformedResponse", $"{page.Operation} answered without a value array", page.RequestId);
                }

                foreach (var item in value.EnumerateArray())
                {
                    var id = item.TryGetProperty("id", out var i) ? i.GetString() : null;
                    if (id is null)
                    {
                        result.Errors.Add(new CollectionError([kind], Target.Global, null, "MalformedResponse", $"{page.Operation} listed an item without an id", page.Operation));
                        continue;
                    }

                    await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                    result.Records.Add(new EvidenceRecord(kind, id, Target.Global, JsonNode.Parse(item.GetRawText())!,
                        new Provenance("Microsoft.Authorization", [$"{page.Operation} (api-version {page.ApiVersion})"], null, page.RequestId, page.AnsweredAt)));
                }
            }
        }
        catch (ArmException e)
        {
            result.Errors.Add(new CollectionError([kind], Target.Global, null, e.Code, e.ArmMessage, $"GET {path.Split('?')[0]}"));
        }
    }
}
