using System.Text.Json.Nodes;
using EvidenceCollector.Collection;

namespace EvidenceCollector.Collectors.Common;

/// <summary>How collectors of every provider fan out over resources and build payload sections.</summary>
public static class Fanout
{
    /// <summary>
    /// Runs <paramref name="work"/> for every item with at most <paramref name="concurrency"/> at once, within the
    /// provider's <paramref name="slots"/>. Streaming results hand records on as each item finishes; otherwise the
    /// parts are merged in input order so the evidence does not depend on timing.
    /// </summary>
    public static async Task ForEachAsync<T>(IEnumerable<T> items, CollectionResult result, int concurrency, ResourceSlots slots, Func<T, CollectionResult, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var list = items.ToList();
        var partial = new CollectionResult[list.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, list.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                // Backpressure: wait (without holding a thread) while storage catches up, and for one of the
                // resource slots shared by every collector (no resource waits for a call slot half-built).
                await result.WaitForRoomAsync(token).ConfigureAwait(false);
                await slots.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    var part = result.Child();
                    await work(list[i], part, token).ConfigureAwait(false);
                    partial[i] = part;
                }
                finally
                {
                    slots.Release();
                }
            }).ConfigureAwait(false);
        Merge(result, partial);
    }

    /// <summary>Runs independent parts of one collection concurrently, merged in the order given.</summary>
    public static async Task AllAsync(CollectionResult result, params Func<CollectionResult, Task>[] parts)
    {
        var partial = parts.Select(_ => result.Child()).ToArray();
        await Task.WhenAll(parts.Select((part, i) => part(partial[i]))).ConfigureAwait(false);
        Merge(result, partial);
    }

    /// <summary>Merges parts in order: their errors (and their records, when nothing streamed).</summary>
    private static void Merge(CollectionResult result, IEnumerable<CollectionResult> parts)
    {
        foreach (var part in parts)
        {
            result.Records.AddRange(part.Records);
            result.Errors.AddRange(part.Errors);
            result.NotApplicable.AddRange(part.NotApplicable);
        }
    }

    /// <summary>
    /// Runs a sub-call and returns its payload section: the answer, or <c>{"error":{"code","message"}}</c> for a
    /// failure of the provider's kind (<typeparamref name="TError"/>). A failed sub-call is a section in error,
    /// which checks read as an error, never as "not configured".
    /// </summary>
    public static async Task<JsonObject> SectionAsync<TError>(Func<Task<JsonObject>> call, Func<TError, (string Code, string Message)> describe)
        where TError : Exception
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (TError e)
        {
            var (code, message) = describe(e);
            return ErrorSection(code, message);
        }
    }

    /// <summary>A payload section that could not be read: <c>{"error":{"code","message"}}</c> (what <c>SectionError</c> reads).</summary>
    public static JsonObject ErrorSection(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
}
