using System.Collections.Concurrent;

namespace EvidenceCollector.Store;

/// <summary>
/// Content-addressed evidence payloads: <c>objects/ab/cdef…</c> holds the canonical JSON whose SHA-256 is
/// <c>abcdef…</c>. Written once, never overwritten; identical payloads are stored once. The only files in the
/// store named by a hash. A file at its final name always holds its complete, durable content: on Linux new
/// payloads are written to temp files in batches, made durable together by one <c>syncfs</c>, then renamed
/// into place (group commit; elsewhere each file gets its own fsync before its rename). <see cref="Flush"/>
/// ends a batch; the run writer flushes before reading evidence back and before sealing.
/// </summary>
public sealed class ObjectStore
{
    /// <summary>New payloads per batch (one syncfs each).</summary>
    private const int BatchSize = 256;

    private readonly string _root;
    private readonly string _temp;
    private readonly ConcurrentDictionary<string, byte> _dirtyDirectories = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private List<(string Temp, string Path, string Hash)> _pending = [];
    private readonly HashSet<string> _pendingHashes = new(StringComparer.Ordinal);

    public ObjectStore(string root)
    {
        _root = root;
        _temp = Path.Combine(root, "tmp");
    }

    public string Root => _root;

    public void EnsureCreated()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_temp);
    }

    public string PathOf(string hash) => Path.Combine(_root, hash[..2], hash[2..]);

    public bool Exists(string hash) => File.Exists(PathOf(hash));

    /// <summary>Stores the bytes under their hash (already computed by the caller). Returns false when already present.</summary>
    public bool Put(string hash, ReadOnlySpan<byte> canonicalBytes)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return false;
        }

        if (!Durable.CanSyncFileSystem)
        {
            return PutDurably(hash, path, canonicalBytes);
        }

        lock (_gate)
        {
            if (!_pendingHashes.Add(hash))
            {
                return false;
            }
        }

        var temp = Path.Combine(_temp, $"{Guid.NewGuid():N}.tmp");
        try
        {
            Durable.WriteUnsynced(temp, canonicalBytes);
        }
        catch
        {
            lock (_gate)
            {
                _pendingHashes.Remove(hash);
            }

            throw;
        }

        bool full;
        lock (_gate)
        {
            _pending.Add((temp, path, hash));
            full = _pending.Count >= BatchSize;
        }

        if (full)
        {
            Flush();
        }

        return true;
    }

    /// <summary>Makes every payload written so far durable and puts it under its final name.</summary>
    public void Flush()
    {
        // One flush at a time: a batch is synced before any of its files is renamed.
        lock (_flushGate)
        {
            List<(string Temp, string Path, string Hash)> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = [];
            }

            Durable.SyncFileSystem(_temp);
            foreach (var (temp, path, hash) in batch)
            {
                var directory = System.IO.Path.GetDirectoryName(path)!;
                Directory.CreateDirectory(directory);
                try
                {
                    File.Move(temp, path, overwrite: false);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Another process stored the same content first: content-addressed, so the same bytes.
                    File.Delete(temp);
                }

                _dirtyDirectories.TryAdd(directory, 0);
            }

            lock (_gate)
            {
                foreach (var (_, _, hash) in batch)
                {
                    _pendingHashes.Remove(hash);
                }
            }
        }
    }

    private bool PutDurably(string hash, string path, ReadOnlySpan<byte> canonicalBytes)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        try
        {
            Durable.WriteNew(path, canonicalBytes, _temp);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer stored the same content first: content-addressed, so it is the same bytes.
            return false;
        }

        _dirtyDirectories.TryAdd(directory, 0);
        return true;
    }

    public byte[] Read(string hash) => File.ReadAllBytes(PathOf(hash));

    /// <summary>Flushes the batch, then makes the renames of every object written since the last call durable.</summary>
    public void SyncDirectories()
    {
        Flush();
        foreach (var directory in _dirtyDirectories.Keys.ToList())
        {
            Durable.SyncDirectory(directory);
            _dirtyDirectories.TryRemove(directory, out _);
        }

        Durable.SyncDirectory(_root);
    }
}
