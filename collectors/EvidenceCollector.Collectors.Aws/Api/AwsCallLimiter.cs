namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// The one bound on AWS API calls in flight (<c>Aws:MaxConcurrentCalls</c>), shared by the SDK clients and
/// the signed client: collectors fan out freely, the wire sees at most this many requests at once. The
/// signed client holds a slot per attempt (none during its backoff); an SDK call holds one through the
/// SDK's own retries.
/// </summary>
public sealed class AwsCallLimiter(int maxConcurrentCalls)
{
    private readonly SemaphoreSlim _slots = new(maxConcurrentCalls, maxConcurrentCalls);

    public static AwsCallLimiter Unbounded { get; } = new(int.MaxValue);

    public int Capacity { get; } = maxConcurrentCalls;

    /// <summary>Calls holding a slot now (for metrics and benchmarks).</summary>
    public int InFlight => Capacity - _slots.CurrentCount;

    private long _entered;

    /// <summary>Calls that have gone through the limiter so far (for metrics and benchmarks).</summary>
    public long Entered => Interlocked.Read(ref _entered);

    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _entered);
        return new Slot(_slots);
    }

    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
