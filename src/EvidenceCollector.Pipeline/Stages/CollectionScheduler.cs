using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>
/// What collection learned besides the evidence itself, shared by the stages that follow: every collection error
/// (with its target) and which (provider, account, region, kind) a collector covered — a covered region with nothing
/// in it is <c>not_applicable</c> for the checks of that kind, an uncovered one is not.
/// </summary>
public sealed class CollectionLedger
{
    private readonly ConcurrentBag<(Target Target, CollectionError Error)> _errors = [];

    public ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool> Covered { get; } = new();

    public void AddError(Target target, CollectionError error) => _errors.Add((target, error));

    /// <summary>A snapshot of the errors so far.</summary>
    public List<(Target Target, CollectionError Error)> Errors => [.. _errors];

    public void Cover(Provider provider, string account, string region, string kind) => Covered[(provider, account, region, kind)] = true;

    /// <summary>Why a covered (provider, account, region, kind) can hold nothing, when a collector said so.</summary>
    public ConcurrentDictionary<(Provider, string Account, string Region, string Kind), string> NotApplicable { get; } = new();

    public void MarkNotApplicable(Provider provider, string account, string region, string kind, string reason) => NotApplicable[(provider, account, region, kind)] = reason;
}

/// <summary>
/// The collection stage: runs every <see cref="CollectionTask"/> under the global limit
/// (<see cref="PipelineOptions.MaxConcurrency"/>) and its service's or provider's limit
/// (<see cref="PipelineOptions.ServiceConcurrency"/>), each through the collector resilience pipeline (timeout,
/// retries), streaming records to the <see cref="EvidenceWriter"/>. A collector that throws or times out is an error
/// covering all its kinds on the target; a record or an error of a kind the collector does not declare is a
/// collector bug, reported as an error. <paramref name="finished"/> is told when each task is done.
/// </summary>
public sealed class CollectionScheduler(PipelineOptions options, ResiliencePipeline pipeline, ILogger logger)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _limiters = new(StringComparer.OrdinalIgnoreCase);

    public async Task RunAsync(
        IReadOnlyList<CollectionTask> tasks,
        EvidenceWriter storage,
        CollectionLedger ledger,
        IRunProgress progress,
        Action<CollectionTask> finished,
        CancellationToken cancellationToken)
    {
        using var global = new SemaphoreSlim(options.MaxConcurrency);
        await Task.WhenAll(tasks.Select(async task =>
        {
            var limiter = LimiterFor(task.Collector.Descriptor);
            await global.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await CollectOneAsync(storage, task.Collector, task.Target, ledger, progress, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    limiter.Release();
                }
            }
            finally
            {
                global.Release();
            }

            finished(task);
        })).ConfigureAwait(false);
    }

    /// <summary>The limiter of a collector: its service's limit when configured, else its provider's, else the global one.</summary>
    private SemaphoreSlim LimiterFor(CollectorDescriptor d)
    {
        var provider = d.Provider.ToWire();
        var serviceKey = $"{provider}.{d.Service}";
        var limits = options.ServiceConcurrency;
        var (key, limit) = limits.TryGetValue(serviceKey, out var s) ? (serviceKey, s)
            : limits.TryGetValue(provider, out var p) ? (provider, p)
            : (serviceKey, options.MaxConcurrency);
        return _limiters.GetOrAdd(key, _ => new SemaphoreSlim(limit));
    }

    private async Task CollectOneAsync(
        EvidenceWriter storage,
        ICollector collector,
        PlannedTarget target,
        CollectionLedger ledger,
        IRunProgress progress,
        CancellationToken cancellationToken)
    {
        var d = collector.Descriptor;
        CollectionResult result;
        var emitted = 0;
        try
        {
            var context = new CollectionContext(target.Target, target.Session)
            {
                // Records stream to the storage threads as the collector produces them.
                Emit = record =>
                {
                    // Check groups start as soon as the collectors declaring their kinds finish: a record of a
                    // kind its collector does not declare could arrive after its group was judged.
                    if (!d.Kinds.Contains(record.Kind))
                    {
                        throw new InvalidOperationException($"collector {d.Name} produced a record of kind {record.Kind}, which it does not declare");
                    }

                    Interlocked.Increment(ref emitted);
                    storage.Write(target.Target, record);
                },
                WaitForRoom = storage.WaitForRoomAsync,
            };
            // Task.Run: a collector that blocks before its first await must not serialise the others.
            result = await pipeline.ExecuteAsync(async ct => await Task.Run(() => collector.CollectAsync(context, ct), ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var code = e is TimeoutRejectedException ? "Timeout" : e.GetType().Name;
            var message = e is TimeoutRejectedException ? $"collector {d.Name} did not finish within {options.CollectorTimeout}" : e.Message;
            Log.CollectionError(logger, d.Name, target.Target.ToString(), code, message);
            ledger.AddError(target.Target, new CollectionError(d.Kinds, target.Target.Region, null, code, message, null));
            progress.CollectorFinished(d.Name, target.Target, 0, 1);
            return;
        }

        // A collector that kept its records (it did not stream) hands them over now.
        foreach (var record in result.Records)
        {
            if (!d.Kinds.Contains(record.Kind))
            {
                result.Errors.Add(UndeclaredKind(d, target.Target, $"a record of kind {record.Kind}"));
                continue;
            }

            emitted++;
            await storage.WriteAsync(target.Target, record, cancellationToken).ConfigureAwait(false);
        }

        foreach (var region in result.RegionsCovered.Append(target.Target.Region))
        {
            foreach (var kind in d.Kinds)
            {
                ledger.Cover(target.Target.Provider, target.Target.Account, target.Target.IsGlobal ? Target.Global : region, kind);
            }
        }

        foreach (var note in result.NotApplicable)
        {
            foreach (var kind in note.Kinds.Where(d.Kinds.Contains))
            {
                ledger.MarkNotApplicable(target.Target.Provider, target.Target.Account, target.Target.IsGlobal ? Target.Global : note.Region, kind, note.Reason);
            }
        }

        foreach (var error in result.Errors.ToList())
        {
            Log.CollectionError(logger, d.Name, target.Target.ToString(), error.Code, error.Message);
            ledger.AddError(target.Target, error);
            if (!error.Kinds.All(d.Kinds.Contains))
            {
                // Checks of undeclared kinds may already be judged; the collector's own checks at least are not passes.
                ledger.AddError(target.Target, UndeclaredKind(d, target.Target, $"an error about kinds {string.Join(", ", error.Kinds)}"));
            }
        }

        progress.CollectorFinished(d.Name, target.Target, emitted, result.Errors.Count);
    }

    private static CollectionError UndeclaredKind(CollectorDescriptor d, Target target, string what) =>
        new(d.Kinds, target.Region, null, "UndeclaredKind", $"collector {d.Name} reported {what}, which it does not declare (a collector bug): its evidence is incomplete", null);
}
