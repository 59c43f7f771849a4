namespace EvidenceCollector.Store;

/// <summary>
/// An exclusive advisory lock on a file (flock on Unix, through FileShare.None). The OS releases it
/// when the process dies, so a crash never blocks the next run.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    public static FileLock? TryAcquire(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new FileLock(stream, path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (TryAcquire(path) is { } acquired)
            {
                return acquired;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"could not lock {path} within {timeout}");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>True when some live process holds the lock on <paramref name="path"/>.</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var probe = TryAcquire(path);
        return probe is null;
    }

    public void Dispose() => _stream.Dispose();
}
