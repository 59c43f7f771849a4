namespace EvidenceCollector.Collectors.Common;

/// <summary>
/// Resources worked on at once across every collector of a provider (<c>Aws:ResourcesInFlight</c>): with many
/// collectors running, resources do not queue for a call slot holding their half-built evidence.
/// </summary>
public sealed class ResourceSlots(int capacity) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(capacity, capacity);

    public int Capacity { get; } = capacity;

    /// <summary>Slots free now (for tests and metrics).</summary>
    public int Available => _slots.CurrentCount;

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
