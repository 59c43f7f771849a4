namespace EvidenceCollector.Collectors.Common;

/// <summary>
/// The one bound on a provider's API calls in flight (<c>Aws:MaxConcurrentCalls</c>), shared by all its clients:
/// collectors fan out freely, the wire sees at most this many requests at once. A slot is held per HTTP attempt,
/// from the first byte sent to the last byte received (<see cref="LimitedSendHandler"/>), and none during back-off.
/// </summary>
public sealed class CallLimiter(int maxConcurrentCalls)
{
    private readonly SemaphoreSlim _slots = new(maxConcurrentCalls, maxConcurrentCalls);

    public static CallLimiter Unbounded { get; } = new(int.MaxValue);

    public int Capacity { get; } = maxConcurrentCalls;

    /// <summary>Calls holding a slot now (for metrics and benchmarks).</summary>
    public int InFlight => Capacity - _slots.CurrentCount;

    private long _entered;

    /// <summary>Calls that have gone through the limiter so far (for metrics and benchmarks).</summary>
    public long Entered => Interlocked.Read(ref _entered);

    private long _heldTicks;

    /// <summary>The total time slots have been held (for metrics and benchmarks: the time calls spent on the wire).</summary>
    public TimeSpan Held => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _heldTicks));

    private int _peak;

    /// <summary>The most slots held at once so far (for metrics, benchmarks and tests).</summary>
    public int PeakInFlight => Volatile.Read(ref _peak);

    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _entered);
        var inFlight = InFlight;
        for (var peak = Volatile.Read(ref _peak); inFlight > peak; peak = Volatile.Read(ref _peak))
        {
            if (Interlocked.CompareExchange(ref _peak, inFlight, peak) == peak)
            {
                break;
            }
        }

        return new Slot(this, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public readonly struct Slot(CallLimiter limiter, long since) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Add(ref limiter._heldTicks, System.Diagnostics.Stopwatch.GetTimestamp() - since);
            limiter._slots.Release();
        }
    }
}
