using System.Collections.Concurrent;
using System.Threading.Channels;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>Checks of one provider that read the same evidence kinds (compared by reference: one instance per group per run).</summary>
public sealed class CheckGroup(Provider provider, HashSet<string> kinds, List<ICheck> checks)
{
    public Provider Provider { get; } = provider;

    public HashSet<string> Kinds { get; } = kinds;

    public List<ICheck> Checks { get; } = checks;

    /// <summary>The checks grouped by provider and the set of kinds they read, in a stable order.</summary>
    public static List<CheckGroup> Of(IEnumerable<ICheck> checks) =>
        checks.GroupBy(c => (c.Metadata.Provider, Key: string.Join('|', c.Metadata.EvidenceKinds.Order(StringComparer.Ordinal))))
            .OrderBy(g => g.Key.Provider).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new CheckGroup(g.Key.Provider, g.First().Metadata.EvidenceKinds.ToHashSet(StringComparer.Ordinal), [.. g]))
            .ToList();
}

/// <summary>
/// The check-group scheduling stage. A group is judged over an account as soon as every collection task of that
/// account that produces its kinds has finished (<see cref="TaskFinished"/>) and their records are stored, so the
/// CPU work of checking overlaps collectors that still wait on the network. A group whose stored evidence exceeds
/// <paramref name="overlapBytes"/> while collection goes on waits for its end, so the memory of checking is never
/// added to the memory of collecting. Groups no task feeds (an unreachable account, kinds no collector in scope
/// produces) are judged at <see cref="CompleteAsync"/>. Every (account, group) is judged exactly once, on one
/// thread, by <paramref name="evaluate"/>.
/// </summary>
public sealed class CheckGroupScheduler : IDisposable
{
    private readonly IReadOnlyList<CheckGroup> _groups;
    private readonly EvidenceWriter _storage;
    private readonly Action<string, CheckGroup> _evaluate;
    private readonly long _overlapBytes;
    private readonly ConcurrentDictionary<(string Account, CheckGroup Group), int> _remaining = new();
    private readonly Channel<(string Account, CheckGroup Group)> _ready = Channel.CreateUnbounded<(string, CheckGroup)>();
    private readonly HashSet<(string, CheckGroup)> _evaluated = [];
    private readonly CancellationTokenSource _stop;
    private readonly Task _evaluation;
    private int _collecting = 1;

    public CheckGroupScheduler(IReadOnlyList<CheckGroup> groups, IEnumerable<CollectionTask> tasks, EvidenceWriter storage, Action<string, CheckGroup> evaluate, long overlapBytes, CancellationToken cancellationToken)
    {
        _groups = groups;
        _storage = storage;
        _evaluate = evaluate;
        _overlapBytes = overlapBytes;
        foreach (var task in tasks)
        {
            foreach (var group in Fed(task))
            {
                _remaining.AddOrUpdate((task.Target.Target.Account, group), 1, (_, n) => n + 1);
            }
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _evaluation = Task.Run(EvaluateAsync, _stop.Token);
    }

    /// <summary>How many (account, group) pairs have been judged so far.</summary>
    public int Evaluated
    {
        get
        {
            lock (_evaluated)
            {
                return _evaluated.Count;
            }
        }
    }

    /// <summary>A collection task is done: the groups it fed whose last task this was become ready.</summary>
    public void TaskFinished(CollectionTask task)
    {
        foreach (var group in Fed(task))
        {
            var key = (task.Target.Target.Account, group);
            if (_remaining.AddOrUpdate(key, 0, (_, n) => n - 1) == 0)
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>
    /// Collection is over: groups deferred for their size are judged now, then every group of <paramref name="accounts"/>
    /// no task fed. Throws when a group was not judged (a scheduling bug must not pass for a complete run).
    /// </summary>
    public async Task CompleteAsync(IEnumerable<(Provider Provider, string Account)> accounts)
    {
        Volatile.Write(ref _collecting, 0);
        var work = accounts.SelectMany(a => _groups.Where(g => g.Provider == a.Provider).Select(g => (a.Account, Group: g))).ToList();
        foreach (var item in work.Where(w => !_remaining.ContainsKey(w)))
        {
            _ready.Writer.TryWrite(item);
        }

        _ready.Writer.TryComplete();
        await _evaluation.ConfigureAwait(false);
        var evaluated = Evaluated;
        if (evaluated != work.Count)
        {
            throw new InvalidOperationException($"{work.Count - evaluated} of {work.Count} check groups were not evaluated");
        }
    }

    /// <summary>Collection or storage failed: stops judging and waits for the group being judged to end.</summary>
    public async Task StopAsync()
    {
        _ready.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _evaluation.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    public void Dispose() => _stop.Dispose();

    private List<CheckGroup> Fed(CollectionTask task) =>
        _groups.Where(g => g.Provider == task.Target.Target.Provider && g.Kinds.Overlaps(task.Collector.Descriptor.Kinds)).ToList();

    private async Task EvaluateAsync()
    {
        var deferred = new List<(string Account, CheckGroup Group)>();
        await foreach (var (account, group) in _ready.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            // The collectors feeding the group are done; their last records may still be on the storage threads.
            await _storage.WhenStoredAsync(group.Provider, account, group.Kinds, _stop.Token).ConfigureAwait(false);
            if (Volatile.Read(ref _collecting) == 1 && _storage.StoredBytes(group.Provider, account, group.Kinds) > _overlapBytes)
            {
                deferred.Add((account, group));
                continue;
            }

            Evaluate(account, group);
        }

        foreach (var (account, group) in deferred)
        {
            Evaluate(account, group);
        }
    }

    private void Evaluate(string account, CheckGroup group)
    {
        _evaluate(account, group);
        lock (_evaluated)
        {
            _evaluated.Add((account, group));
        }
    }
}
