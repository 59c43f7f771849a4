using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Redaction;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>
/// A record on its way to storage: already redacted and canonical (done by the collector's own task when it
/// hands the record over), so the queue holds compact bytes, never the parsed answers.
/// </summary>
public sealed record PendingEvidence(Target Target, EvidenceRecord Record, byte[] Canonical)
{
    public static PendingEvidence Of(Target target, EvidenceRecord record) =>
        new(target, record with { Payload = Placeholder }, Redactor.CanonicalRedacted(record.Payload));

    // The payload is dropped once canonical: only the bytes travel on.
    private static readonly JsonValue Placeholder = JsonValue.Create(0);
}

/// <summary>
/// The evidence writer stage: records are redacted and canonicalised on the collector's task, then stored
/// (content-addressed, durably) by dedicated threads, so collectors go back to the network and the fsyncs never
/// block the thread pool the API calls run on. Backpressure is by count (<see cref="Capacity"/>) and by bytes
/// (<see cref="ByteCapacity"/>): collectors await room before producing more, holding no thread. Completion is
/// signalled, not polled: <see cref="WhenStoredAsync"/> completes once no record of an account's kinds waits or is
/// being stored, and a store that cannot write fails every waiter with its error.
/// </summary>
public sealed class EvidenceWriter : IAsyncDisposable
{
    /// <summary>Records waiting before collectors are asked to wait.</summary>
    public const int Capacity = 512;

    /// <summary>
    /// Bytes waiting before collectors are asked to wait. Records differ in size by three orders of magnitude (a
    /// bucket's settings vs. a Config rule with every evaluation, or a credential report); what waits here is live
    /// data, which the GC's budget roughly doubles in a collector's footprint.
    /// </summary>
    public const long ByteCapacity = 4L * 1024 * 1024;

    private readonly BlockingCollection<PendingEvidence> _queue = new(new ConcurrentQueue<PendingEvidence>());
    private readonly Action<PendingEvidence> _store;
    private readonly Task[] _workers;
    private readonly object _gate = new();
    private readonly Dictionary<(Provider, string, string), KindState> _kinds = [];
    private readonly List<(IReadOnlyList<KindState> States, TaskCompletionSource Done)> _idleWaiters = [];
    private TaskCompletionSource? _room;
    private Exception? _failure;
    private int _queued;
    private long _queuedBytes;

    /// <param name="store">Stores one record durably (the run writer's content-addressed write and its envelope).</param>
    public EvidenceWriter(Action<PendingEvidence> store, int workers)
    {
        _store = store;
        _workers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
    }

    private bool HasRoom => Volatile.Read(ref _queued) <= Capacity && Interlocked.Read(ref _queuedBytes) <= ByteCapacity;

    /// <summary>
    /// For collectors' streaming sink: redacts and canonicalises on the caller's task (a payload that cannot be
    /// canonical fails its collector, not the run), then queues the bytes without blocking (backpressure is
    /// <see cref="WaitForRoomAsync"/>).
    /// </summary>
    public void Write(Target target, EvidenceRecord record) => Enqueue(PendingEvidence.Of(target, record));

    /// <summary>Queues a record, waiting for room first.</summary>
    public async ValueTask WriteAsync(Target target, EvidenceRecord record, CancellationToken cancellationToken)
    {
        await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        Write(target, record);
    }

    /// <summary>Waits, holding no thread, while more than <see cref="Capacity"/> records or <see cref="ByteCapacity"/> bytes wait to be stored.</summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        return HasRoom ? ValueTask.CompletedTask : new ValueTask(WaitForRoomSlowAsync(cancellationToken));
    }

    private async Task WaitForRoomSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                ThrowIfFailed();
                if (HasRoom)
                {
                    return;
                }

                signal = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes once no record of these kinds of the account waits to be stored or is being stored.</summary>
    public Task WhenStoredAsync(Provider provider, string account, IEnumerable<string> kinds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            var pending = kinds.Select(k => _kinds.GetValueOrDefault((provider, account, k))).Where(s => s is { Pending: > 0 }).Select(s => s!).ToList();
            if (pending.Count == 0)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add((pending, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The bytes of the account's records of these kinds stored so far.</summary>
    public long StoredBytes(Provider provider, string account, IEnumerable<string> kinds)
    {
        lock (_gate)
        {
            return kinds.Sum(k => _kinds.TryGetValue((provider, account, k), out var s) ? s.StoredBytes : 0);
        }
    }

    /// <summary>No more records: waits until every queued one is stored (and rethrows a storage failure).</summary>
    public async Task CompleteAsync()
    {
        _queue.CompleteAdding();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        ThrowIfFailed();
    }

    /// <summary>Stops the workers; a failure is reported by <see cref="CompleteAsync"/> on the normal path.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.CompleteAdding();
        await Task.WhenAll(_workers.Select(w => w.ContinueWith(static _ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        _queue.Dispose();
    }

    private void Enqueue(PendingEvidence item)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            var key = (item.Target.Provider, item.Target.Account, item.Record.Kind);
            if (!_kinds.TryGetValue(key, out var state))
            {
                _kinds[key] = state = new KindState();
            }

            state.Pending++;
        }

        Interlocked.Increment(ref _queued);
        Interlocked.Add(ref _queuedBytes, item.Canonical.Length);
        _queue.Add(item);
    }

    private void Work()
    {
        try
        {
            // A dedicated thread blocks here between records (a plain blocking wait, not sync-over-async).
            foreach (var item in _queue.GetConsumingEnumerable())
            {
                _store(item);
                Stored(item);
            }
        }
        catch (Exception e)
        {
            // A store that cannot write (disk full, I/O error) stops the run: collectors waiting for room and
            // check groups waiting for their evidence get this error instead of waiting forever.
            Fail(e);
        }
    }

    private void Stored(PendingEvidence item)
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Add(ref _queuedBytes, -item.Canonical.Length);
        lock (_gate)
        {
            var state = _kinds[(item.Target.Provider, item.Target.Account, item.Record.Kind)];
            state.Pending--;
            state.StoredBytes += item.Canonical.Length;
            if (state.Pending == 0 && _idleWaiters.Count > 0)
            {
                for (var i = _idleWaiters.Count - 1; i >= 0; i--)
                {
                    if (_idleWaiters[i].States.All(s => s.Pending == 0))
                    {
                        _idleWaiters[i].Done.TrySetResult();
                        _idleWaiters.RemoveAt(i);
                    }
                }
            }

            if (_room is { } room && HasRoom)
            {
                _room = null;
                room.TrySetResult();
            }
        }
    }

    private void Fail(Exception e)
    {
        lock (_gate)
        {
            _failure ??= e;
            _room?.TrySetException(e);
            _room = null;
            foreach (var (_, done) in _idleWaiters)
            {
                done.TrySetException(e);
            }

            _idleWaiters.Clear();
        }

        _queue.CompleteAdding();
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private sealed class KindState
    {
        public int Pending;
        public long StoredBytes;
    }
}
