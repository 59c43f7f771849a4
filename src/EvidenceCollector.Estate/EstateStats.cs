using System.Collections.Concurrent;

namespace EvidenceCollector.Estate;

/// <summary>Thread-safe counters of a running estate server.</summary>
public sealed class EstateStats
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private long _total;
    private long _throttled;
    private long _injected;
    private long _rejected;
    private long _answeredTicks;
    private long _answered;

    /// <summary>Every request received, including rejected ones.</summary>
    public long TotalCalls => Interlocked.Read(ref _total);
    /// <summary>Requests answered with a throttling error by a throttle switch (injected Throttle failures count as injected).</summary>
    public long Throttled => Interlocked.Read(ref _throttled);
    public long InjectedFailures => Interlocked.Read(ref _injected);
    /// <summary>Requests rejected by authentication (missing/bad signature, unknown key, disabled region).</summary>
    public long AuthRejected => Interlocked.Read(ref _rejected);

    /// <summary>Calls per <c>service:Operation</c> (e.g. <c>iam:ListUsers</c>), counted once authenticated.</summary>
    public IReadOnlyDictionary<string, long> Calls => new SortedDictionary<string, long>(_calls, StringComparer.Ordinal);

    /// <summary>Requests answered (the response written), and the time from their arrival to that point, summed.</summary>
    public long Answered => Interlocked.Read(ref _answered);
    public TimeSpan AnsweredTime => TimeSpan.FromTicks(Interlocked.Read(ref _answeredTicks));

    public long CallsTo(string service, string operation) => _calls.TryGetValue($"{service}:{operation}", out var n) ? n : 0;

    public void Reset()
    {
        _calls.Clear();
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _throttled, 0);
        Interlocked.Exchange(ref _injected, 0);
        Interlocked.Exchange(ref _rejected, 0);
        Interlocked.Exchange(ref _answered, 0);
        Interlocked.Exchange(ref _answeredTicks, 0);
    }

    internal void Received() => Interlocked.Increment(ref _total);
    internal void Call(string service, string operation) => _calls.AddOrUpdate($"{service}:{operation}", 1, (_, n) => n + 1);
    internal void Throttle() => Interlocked.Increment(ref _throttled);
    internal void Injected() => Interlocked.Increment(ref _injected);
    internal void AnsweredAfter(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _answered);
        Interlocked.Add(ref _answeredTicks, elapsed.Ticks);
    }

    internal void Rejected() => Interlocked.Increment(ref _rejected);
}
