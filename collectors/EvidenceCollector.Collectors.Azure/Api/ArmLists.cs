using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Api;

/// <summary>How a collector stores an ARM list: one record per item (its ARM JSON), the list as one section of the collection.</summary>
public static class ArmLists
{
    /// <summary>
    /// Every item of the list at <paramref name="path"/> as a record of <paramref name="kind"/> (region: the item's
    /// <c>location</c>, else <c>global</c>). A list that fails (denied, throttled past retries, malformed) is a collection
    /// error for <paramref name="kind"/> only; what was stored before stays.
    /// </summary>
    public static async Task CollectAsync(ArmReader reader, CollectionResult result, string kind, string service, string path, string apiVersion, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in reader.PagesAsync(path, apiVersion, cancellationToken).ConfigureAwait(false))
            {
                if (!page.Body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
                {
                    throw new ArmException(page.Status, "MalformedResponse", $"{page.Operation} answered without a value array", page.RequestId);
                }

                foreach (var item in value.EnumerateArray())
                {
                    if ((item.TryGetProperty("id", out var i) ? i.GetString() : null) is not { } id)
                    {
                        result.Errors.Add(new CollectionError([kind], Target.Global, null, "MalformedResponse", $"{page.Operation} listed an item without an id", page.Operation));
                        continue;
                    }

                    var region = item.TryGetProperty("location", out var l) && l.GetString() is { Length: > 0 } location ? location.ToLowerInvariant() : Target.Global;
                    await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                    result.Records.Add(new EvidenceRecord(kind, id, region, JsonNode.Parse(item.GetRawText())!,
                        new Provenance(service, [$"{page.Operation} (api-version {page.ApiVersion})"], null, page.RequestId, page.AnsweredAt)));
                }
            }
        }
        catch (ArmException e)
        {
            result.Errors.Add(new CollectionError([kind], Target.Global, null, e.Code, e.ArmMessage, $"GET {path.Split('?')[0]}"));
        }
    }
}
