using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Common;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Collection;

/// <summary>
/// What every AWS collector shares: session resolution, record and error construction. A collector never
/// throws for AWS errors: a failed list call is a <see cref="CollectionError"/> for its kinds in the region,
/// a failed sub-call a payload section error.
/// </summary>
public abstract class AwsCollectorBase : ICollector
{
    protected AwsCollectorBase(AwsClients clients, ILogger logger)
    {
        Clients = clients;
        Logger = logger;
    }

    public abstract CollectorDescriptor Descriptor { get; }

    protected AwsClients Clients { get; }

    protected ILogger Logger { get; }

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var region = context.Target.Region;
        result.RegionsCovered.Add(region);
        if (context.Session is not AwsSession session)
        {
            result.Errors.Add(new CollectionError(Descriptor.Kinds, region, null, "NoSession", "the target carries no AWS session", null));
            return result;
        }

        Log.Collecting(Logger, Descriptor.Name, session.AccountId, region);
        await CollectAsync(session, region, result, cancellationToken).ConfigureAwait(false);
        foreach (var error in result.Errors)
        {
            Log.CollectionFailed(Logger, Descriptor.Name, session.AccountId, region, error.Operation ?? "-", error.Code);
        }

        return result;
    }

    protected abstract Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken);

    protected static EvidenceRecord Record(string kind, string resourceId, string region, JsonNode payload, string service, Uri endpoint, string? requestId, DateTimeOffset answeredAt, params AwsOperation[] operations) =>
        new(kind, resourceId, region, payload, new Provenance(service, operations.Select(o => o.Name).Distinct().ToList(), endpoint.ToString(), requestId, answeredAt));

    protected static CollectionError Error(AwsApiException e, string region, string? resourceId, params string[] kinds) =>
        new(kinds, region, resourceId, e.Code, e.AwsMessage, e.Operation.Name);

    /// <summary>Runs a sub-call and returns its section: the answer, or <c>{"error":..}</c> (<see cref="Fanout.SectionAsync{TError}"/>).</summary>
    protected static Task<JsonObject> SectionAsync(Func<Task<JsonObject>> call) =>
        Fanout.SectionAsync<AwsApiException>(call, e => (e.Code, e.AwsMessage));

    protected static string Global => Target.Global;

    /// <summary>
    /// Runs <paramref name="work"/> for every item with at most <c>Aws:ResourceConcurrency</c> at once, within the
    /// resource slots every AWS collector shares (<c>Aws:ResourcesInFlight</c>); every call still passes the shared
    /// API limiter (<see cref="Fanout.ForEachAsync{T}"/>).
    /// </summary>
    protected Task ForEachAsync<T>(IEnumerable<T> items, CollectionResult result, Func<T, CollectionResult, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        Fanout.ForEachAsync(items, result, Clients.Options.ResourceConcurrency, Clients.ResourceSlots, work, cancellationToken);

    /// <summary>Runs independent parts of one collection concurrently, merged in the order given.</summary>
    protected static Task AllAsync(CollectionResult result, params Func<CollectionResult, Task>[] parts) => Fanout.AllAsync(result, parts);
}
