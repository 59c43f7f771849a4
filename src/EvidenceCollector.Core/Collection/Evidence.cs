using System.Text.Json.Nodes;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collection;

/// <summary>
/// Where a payload came from: the service and API operation(s) that answered, the endpoint, the request
/// id and the UTC time of the answer. Provider, target and tool version are added by the runner.
/// </summary>
public sealed record Provenance(
    string Service,
    IReadOnlyList<string> Operations,
    string? Endpoint,
    string? RequestId,
    DateTimeOffset AnsweredAt);

/// <summary>
/// What a collector returns for one resource (or one account-level setting): the raw API answer as JSON
/// (the runner redacts and canonicalises it) and its provenance.
/// </summary>
/// <param name="Kind">Declared evidence kind, e.g. <c>aws.s3.bucket</c>.</param>
/// <param name="ResourceId">ARN / Azure resource id (account-level settings: the account's id form).</param>
/// <param name="Region">The region the resource lives in (<see cref="Target.Global"/> for global ones).</param>
public sealed record EvidenceRecord(
    string Kind,
    string ResourceId,
    string Region,
    JsonNode Payload,
    Provenance Provenance);

/// <summary>
/// A part of the collection that failed. It becomes <c>error</c> findings for every check that reads
/// <see cref="Kinds"/> in that region (or only for <see cref="ResourceId"/> when given).
/// </summary>
public sealed record CollectionError(
    IReadOnlyList<string> Kinds,
    string Region,
    string? ResourceId,
    string Code,
    string Message,
    string? Operation);

/// <summary>Why there is nothing of <paramref name="Kinds"/> in <paramref name="Region"/>: a fact about the target, not an error.</summary>
public sealed record NotApplicableNote(IReadOnlyList<string> Kinds, string Region, string Reason);

/// <summary>
/// Partial failure is a value: the records collected and the errors met on the way. Given a sink (the
/// runner passes one through <see cref="CollectionContext.Emit"/>), records stream out as they are added
/// instead of accumulating, so a collector's memory does not grow with the estate.
/// </summary>
public sealed class CollectionResult
{
    public CollectionResult()
        : this(null)
    {
    }

    public CollectionResult(Action<EvidenceRecord>? sink, Func<CancellationToken, ValueTask>? waitForRoom = null)
    {
        Sink = sink;
        WaitForRoom = waitForRoom;
        Records = new EvidenceRecords(sink);
    }

    /// <summary>Backpressure: collectors await this before producing more (null: no limit).</summary>
    public Func<CancellationToken, ValueTask>? WaitForRoom { get; }

    /// <summary>Waits until the runner can take more records (returns at once without backpressure).</summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => WaitForRoom?.Invoke(cancellationToken) ?? ValueTask.CompletedTask;

    /// <summary>Where records go as they are added; null: they are kept in <see cref="Records"/>.</summary>
    public Action<EvidenceRecord>? Sink { get; }

    /// <summary>The records kept (all of them without a sink; none with one).</summary>
    public EvidenceRecords Records { get; }

    /// <summary>A result for one part of the work that streams to the same sink (errors are merged by the caller).</summary>
    public CollectionResult Child() => new(Sink, WaitForRoom);

    public List<CollectionError> Errors { get; } = [];

    /// <summary>
    /// Kinds that cannot exist in a region of the target, and why (e.g. the resource provider is not registered in
    /// the subscription): a check of those kinds that finds nothing is <c>not_applicable</c> with this reason.
    /// </summary>
    public List<NotApplicableNote> NotApplicable { get; } = [];

    /// <summary>Regions this collector looked at for the target (so an empty region can be reported as "no resources").</summary>
    public HashSet<string> RegionsCovered { get; } = new(StringComparer.Ordinal);
}

/// <summary>Records of a collection: kept, or handed to a sink as they are added (thread-safe either way).</summary>
public sealed class EvidenceRecords(Action<EvidenceRecord>? sink) : IReadOnlyList<EvidenceRecord>
{
    private readonly List<EvidenceRecord> _kept = [];

    public int Count
    {
        get
        {
            lock (_kept)
            {
                return _kept.Count;
            }
        }
    }

    public EvidenceRecord this[int index]
    {
        get
        {
            lock (_kept)
            {
                return _kept[index];
            }
        }
    }

    public void Add(EvidenceRecord record)
    {
        if (sink is not null)
        {
            sink(record);
            return;
        }

        lock (_kept)
        {
            _kept.Add(record);
        }
    }

    public void AddRange(IEnumerable<EvidenceRecord> records)
    {
        foreach (var record in records)
        {
            Add(record);
        }
    }

    public IEnumerator<EvidenceRecord> GetEnumerator()
    {
        lock (_kept)
        {
            return _kept.ToList().GetEnumerator();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Static facts about a collector.</summary>
/// <param name="Name">Stable id, e.g. <c>aws.iam</c>; what <c>--collector</c> matches.</param>
/// <param name="Service">Service key for concurrency limits, e.g. <c>iam</c>.</param>
/// <param name="Global">True when the collector runs once per account (target region <c>global</c>).</param>
/// <param name="Kinds">Evidence kinds it produces.</param>
public sealed record CollectorDescriptor(
    Provider Provider,
    string Name,
    string Service,
    bool Global,
    IReadOnlyList<string> Kinds);

/// <summary>Provider-specific state for one target (e.g. assumed-role credentials); opaque to the pipeline.</summary>
public interface ITargetSession
{
}

public sealed record CollectionContext(Target Target, ITargetSession? Session)
{
    /// <summary>Where the runner wants records as they are produced.</summary>
    public Action<EvidenceRecord>? Emit { get; init; }

    /// <summary>Backpressure from the runner's storage: await before producing more records.</summary>
    public Func<CancellationToken, ValueTask>? WaitForRoom { get; init; }
}

/// <summary>Calls one cloud service's read-only APIs for one target and returns evidence records. Never judges.</summary>
public interface ICollector
{
    CollectorDescriptor Descriptor { get; }

    Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken);
}

/// <summary>A planned target: where to collect, with what session; or why not.</summary>
public sealed record PlannedTarget(Target Target, TargetOutcome Outcome, string? Detail, ITargetSession? Session);

/// <summary>A record the planner collected itself (e.g. the caller identity), with the target it belongs to.</summary>
public sealed record PlannedRecord(Target Target, EvidenceRecord Record);

/// <summary>The planner's answer: targets, plus provenance records of its own (e.g. caller identity per account).</summary>
public sealed class TargetPlan
{
    public List<PlannedTarget> Targets { get; } = [];

    /// <summary>Records of the planner's own, each naming its target (matched by identity, never by text).</summary>
    public List<PlannedRecord> Records { get; } = [];

    public List<(Target Target, CollectionError Error)> Errors { get; } = [];
}

/// <summary>Turns configuration and a run's scope into targets for one provider.</summary>
public interface ITargetPlanner
{
    Provider Provider { get; }

    Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken);
}
