using System.Collections.Concurrent;

namespace EvidenceCollector.Store;

/// <summary>
/// Content-addressed evidence payloads: <c>objects/ab/cdef…</c> holds the canonical JSON whose SHA-256 is
/// <c>abcdef…</c>. Written once (temp + fsync + rename), never overwritten; identical payloads are stored
/// once. The only files in the store named by a hash.
/// </summary>
public sealed class ObjectStore
{
    private readonly string _root;
    private readonly string _temp;
    private readonly ConcurrentDictionary<string, byte> _dirtyDirectories = new(StringComparer.Ordinal);

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

    /// <summary>Makes the renames of every object written since the last call durable.</summary>
    public void SyncDirectories()
    {
        foreach (var directory in _dirtyDirectories.Keys.ToList())
        {
            Durable.SyncDirectory(directory);
            _dirtyDirectories.TryRemove(directory, out _);
        }

        Durable.SyncDirectory(_root);
    }
}
