using System.Text.Json;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Common;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Api;

/// <summary>An item a list answered: its ARM id, region (location, else <c>global</c>) and JSON, for collectors that read below it.</summary>
public sealed record ArmItem(string Id, string Region, JsonObject Json)
{
    /// <summary>The related reads made for this item (for its provenance).</summary>
    public List<string> Operations { get; } = [];
}

/// <summary>
/// How a collector stores ARM answers: one record per listed item (its ARM JSON), and related reads of a resource
/// (its blob services, diagnostic settings, auditing policy) as sections under <see cref="RelatedKey"/> of the
/// resource's record, so a failed related read is an error in that record and a check reads it as an error.
/// </summary>
public static class ArmLists
{
    /// <summary>The top-level key of a record that holds its related reads (ARM itself never returns it).</summary>
    public const string RelatedKey = "related";

    /// <summary>How many items of one page have their related reads made at once (the shared send path bounds the calls).</summary>
    public const int RelatedConcurrency = 8;

    /// <summary>The ARM code of a read in a subscription whose resource provider is not registered.</summary>
    public const string MissingSubscriptionRegistration = "MissingSubscriptionRegistration";

    /// <summary>
    /// Every item of the list at <paramref name="path"/> as a record of <paramref name="kind"/> (region: the item's
    /// <c>location</c>, else <c>global</c>). A list that fails (denied, throttled past retries, malformed) is a collection
    /// error for <paramref name="kind"/> only; what was stored before stays. A resource provider that is not registered
    /// in the subscription is a fact, not an error: <paramref name="kind"/> (and <paramref name="dependentKinds"/>) are
    /// not applicable there, with the reason. <paramref name="shape"/> may add related reads to an item before it is stored.
    /// </summary>
    /// <param name="listingKind">When set, a record of this kind (id: the list's path) says what the whole list held: the evidence behind a finding that something is absent.</param>
    /// <returns>The ids of the items stored (not their JSON, which is the evidence writer's once stored), for reads below them.</returns>
    public static async Task<IReadOnlyList<string>> CollectAsync(ArmReader reader, CollectionResult result, string kind, string service, string path, string apiVersion, CancellationToken cancellationToken,
        Func<ArmItem, CancellationToken, Task>? shape = null, IReadOnlyList<string>? dependentKinds = null, string? parentId = null, string? listingKind = null)
    {
        var items = new List<string>();
        ArmAnswer? first = null;
        try
        {
            if (shape is null)
            {
                await foreach (var page in reader.PagesAsync(path, apiVersion, cancellationToken).ConfigureAwait(false))
                {
                    first ??= page;
                    foreach (var item in Items(page, kind, result))
                    {
                        await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                        result.Records.Add(new EvidenceRecord(kind, item.Id, item.Region, item.Json, Provenance(service, page, item.Operations)));
                        items.Add(item.Id);
                    }
                }
            }
            else
            {
                first = await ShapedAsync(reader, result, kind, service, path, apiVersion, shape, items, cancellationToken).ConfigureAwait(false);
            }

            if (listingKind is not null && first is not null)
            {
                // The evidence of what the list held, so that "there is none" cites an answer rather than nothing.
                var list = "/" + path.Split('?')[0].Trim('/');
                result.Records.Add(new EvidenceRecord(listingKind, list, Target.Global, new JsonObject
                {
                    ["list"] = list,
                    ["kind"] = kind,
                    ["apiVersion"] = apiVersion,
                    ["count"] = items.Count,
                    ["ids"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
                }, Provenance(service, first, [])));
            }
        }
        catch (ArmException e) when (e.Code == MissingSubscriptionRegistration)
        {
            result.NotApplicable.Add(new NotApplicableNote([kind, .. dependentKinds ?? []], Target.Global, $"resource provider {service} is not registered in this subscription ({e.Code}: {e.ArmMessage})"));
        }
        catch (ArmException e)
        {
            result.Errors.Add(new CollectionError([kind, .. dependentKinds ?? []], Target.Global, parentId, e.Code, e.ArmMessage, $"GET {path.Split('?')[0]}"));
        }

        return items;
    }

    /// <summary>
    /// The list's items with their related reads: pages are read on while up to <see cref="RelatedConcurrency"/>
    /// items have theirs made, so one slow or throttled related read does not hold the next page back. Items listed
    /// before a page failed are still completed and stored; then the failure is rethrown.
    /// </summary>
    private static async Task<ArmAnswer?> ShapedAsync(ArmReader reader, CollectionResult result, string kind, string service, string path, string apiVersion,
        Func<ArmItem, CancellationToken, Task> shape, List<string> items, CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<(ArmItem Item, ArmAnswer Page, int Index)>(new BoundedChannelOptions(RelatedConcurrency * 4) { SingleWriter = true });
        var done = new List<(int Index, string Id)>();
        // A worker that fails stops the listing too, so the bounded queue never waits for readers that are gone.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, RelatedConcurrency).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var (item, page, index) in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await shape(item, cancellationToken).ConfigureAwait(false);
                    await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                    result.Records.Add(new EvidenceRecord(kind, item.Id, item.Region, item.Json, Provenance(service, page, item.Operations)));
                    lock (done)
                    {
                        done.Add((index, item.Id));
                    }
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken)).ToList();

        ArmAnswer? first = null;
        Exception? failed = null;
        try
        {
            var index = 0;
            await foreach (var page in reader.PagesAsync(path, apiVersion, stop.Token).ConfigureAwait(false))
            {
                first ??= page;
                foreach (var item in Items(page, kind, result))
                {
                    await queue.Writer.WriteAsync((item, page, index++), stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            failed = e;
        }
        finally
        {
            queue.Writer.Complete();
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        items.AddRange(done.OrderBy(d => d.Index).Select(d => d.Id));
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
        }

        return first;
    }

    /// <summary>
    /// A related read of <paramref name="item"/>, stored in its record as <c>related.&lt;name&gt;</c>: the ARM answer (a
    /// list's pages merged into one <c>value</c>), or <c>{"error": {"code", "message"}}</c> when it failed.
    /// </summary>
    public static async Task RelateAsync(ArmReader reader, ArmItem item, string name, string path, string apiVersion, bool list, CancellationToken cancellationToken)
    {
        JsonObject section;
        try
        {
            if (list)
            {
                var value = new JsonArray();
                await foreach (var page in reader.PagesAsync(path, apiVersion, cancellationToken).ConfigureAwait(false))
                {
                    if (!page.Body.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Array)
                    {
                        throw new ArmException(page.Status, "MalformedResponse", $"{page.Operation} answered without a value array", page.RequestId);
                    }

                    foreach (var element in v.EnumerateArray())
                    {
                        value.Add(JsonNode.Parse(element.GetRawText()));
                    }
                }

                section = new JsonObject { ["value"] = value };
            }
            else
            {
                var answer = await reader.GetAsync(path, apiVersion, cancellationToken).ConfigureAwait(false);
                section = JsonNode.Parse(answer.Body.GetRawText())!.AsObject();
            }
        }
        catch (ArmException e)
        {
            section = Fanout.ErrorSection(e.Code, e.ArmMessage + (e.RequestId is null ? string.Empty : $" (x-ms-request-id {e.RequestId})"));
        }

        lock (item.Json)
        {
            item.Operations.Add($"GET {path.Split('?')[0]} (api-version {apiVersion})");
            if (item.Json[RelatedKey] is not JsonObject related)
            {
                item.Json[RelatedKey] = related = new JsonObject();
            }

            related[name] = section;
        }
    }

    private static IEnumerable<ArmItem> Items(ArmAnswer page, string kind, CollectionResult result)
    {
        if (!page.Body.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new ArmException(page.Status, "MalformedResponse", $"{page.Operation} answered without a value array", page.RequestId);
        }

        foreach (var element in value.EnumerateArray())
        {
            if ((element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null) is not { Length: > 0 } id)
            {
                result.Errors.Add(new CollectionError([kind], Target.Global, null, "MalformedResponse", $"{page.Operation} listed an item without an id", page.Operation));
                continue;
            }

            // Some ARM ids come without their leading slash (subscription diagnostic settings): the record's id gets
            // one, so findings name it as every other id; the payload keeps ARM's id as answered.
            id = id.StartsWith('/') ? id : "/" + id;
            var region = element.TryGetProperty("location", out var l) && l.ValueKind == JsonValueKind.String && l.GetString() is { Length: > 0 } location ? location.ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal) : Target.Global;
            yield return new ArmItem(id, region, JsonNode.Parse(element.GetRawText())!.AsObject());
        }
    }

    private static Provenance Provenance(string service, ArmAnswer page, IReadOnlyList<string> related) =>
        new(service, [$"{page.Operation} (api-version {page.ApiVersion})", .. related.Order(StringComparer.Ordinal)], null, page.RequestId, page.AnsweredAt);
}
