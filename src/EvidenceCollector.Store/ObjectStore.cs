using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace EvidenceCollector.Store;

/// <summary>Where a payload's bytes are: a pack under <c>objects/packs/</c>, the offset of its first byte, its length.</summary>
public readonly record struct ObjectLocation(string Pack, long Offset, int Length);

/// <summary>The index's table of payload locations (<c>objects</c> in <c>index.db</c>).</summary>
internal interface IObjectIndex
{
    ObjectLocation? Locate(string hash);

    /// <summary>Records a batch of locations in one transaction; a hash already recorded keeps its first location.</summary>
    void Record(IReadOnlyList<(string Hash, ObjectLocation Location)> batch);
}

/// <summary>
/// Content-addressed evidence payloads: the canonical JSON whose SHA-256 is the payload's hash, written once,
/// never overwritten, stored once however many runs return it.
/// <para>
/// New payloads are appended to a pack, <c>objects/packs/&lt;id&gt;.pack</c>, one per writing process (a new
/// one past 256 MiB). Each record is self-describing — a header line <c>EVP1 &lt;sha256&gt; &lt;length&gt;</c>,
/// the payload's bytes, a line feed — so a pack can be read, and re-indexed, without the index. The index's
/// <c>objects</c> table maps a hash to (pack, offset, length). Group commit: a batch of up to 256 appended
/// payloads is made durable by one fsync of its pack, and only then are their locations committed to the
/// index, so a location in the index always points at complete, durable bytes. A crash leaves at most an
/// unindexed tail in a pack, which nothing reads. <see cref="Flush"/> ends a batch; the run writer flushes
/// before reading evidence back and before sealing.
/// </para>
/// <para>
/// Stores written before packs keep their payloads as loose files, <c>objects/ab/cdef…</c>: they are still
/// read, verified and deduplicated against.
/// </para>
/// </summary>
public sealed class ObjectStore : IDisposable
{
    /// <summary>New payloads per batch (one fsync of the pack and one index transaction each).</summary>
    private const int BatchSize = 256;

    /// <summary>A pack past this size is closed and a new one started.</summary>
    private const long PackLimit = 256L << 20;

    private readonly string _root;
    private readonly string _packs;
    private readonly IObjectIndex _index;
    private readonly bool _hasLoose;
    private readonly Lock _gate = new();
    private readonly Lock _flushGate = new();
    private readonly Dictionary<string, ObjectLocation> _pendingByHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SafeFileHandle> _readers = new(StringComparer.Ordinal);
    private List<(string Hash, ObjectLocation Location)> _pending = [];
    private List<Pack> _unsynced = [];
    private Pack? _current;
    private bool _disposed;

    internal ObjectStore(string root, IObjectIndex index)
    {
        _root = root;
        _packs = Path.Combine(root, "packs");
        _index = index;
        _hasLoose = Directory.Exists(root) && Directory.EnumerateDirectories(root).Any(d => IsLooseDirectory(Path.GetFileName(d)));
    }

    public string Root => _root;

    public void EnsureCreated()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_packs);
    }

    /// <summary>The path of a pack, relative to the store's folder (for messages).</summary>
    public static string PackPath(string pack) => Path.Combine("objects", "packs", pack);

    /// <summary>The file of a payload stored loose (stores written before packs).</summary>
    public string LoosePathOf(string hash) => Path.Combine(_root, hash[..2], hash[2..]);

    public bool Exists(string hash) => Locate(hash) is not null || (_hasLoose && File.Exists(LoosePathOf(hash)));

    /// <summary>Where the payload is: pending in the current batch or recorded in the index; null when loose or absent.</summary>
    public ObjectLocation? Locate(string hash)
    {
        lock (_gate)
        {
            if (_pendingByHash.TryGetValue(hash, out var pending))
            {
                return pending;
            }
        }

        return _index.Locate(hash);
    }

    /// <summary>Stores the bytes under their hash (already computed by the caller). Returns false when already present.</summary>
    public bool Put(string hash, ReadOnlySpan<byte> canonicalBytes)
    {
        if (Exists(hash))
        {
            return false;
        }

        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"EVP1 {hash} {canonicalBytes.Length}\n"));
        var length = header.Length + canonicalBytes.Length + 1;

        // A small record goes out in one write from a pooled copy; a large one in three writes from where its
        // parts are, so the pool is never handed (and never keeps) an array the size of the largest payload.
        var whole = length <= SingleWriteBytes;
        var record = whole ? ArrayPool<byte>.Shared.Rent(length) : [];
        try
        {
            if (whole)
            {
                header.CopyTo(record, 0);
                canonicalBytes.CopyTo(record.AsSpan(header.Length));
                record[length - 1] = (byte)'\n';
            }

            bool full;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_pendingByHash.ContainsKey(hash))
                {
                    return false;
                }

                var pack = CurrentPack();
                if (whole)
                {
                    RandomAccess.Write(pack.Handle, record.AsSpan(0, length), pack.Length);
                }
                else
                {
                    RandomAccess.Write(pack.Handle, header, pack.Length);
                    RandomAccess.Write(pack.Handle, canonicalBytes, pack.Length + header.Length);
                    RandomAccess.Write(pack.Handle, "\n"u8, pack.Length + header.Length + canonicalBytes.Length);
                }

                var location = new ObjectLocation(pack.Name, pack.Length + header.Length, canonicalBytes.Length);
                pack.Length += length;
                _pendingByHash[hash] = location;
                _pending.Add((hash, location));
                full = _pending.Count >= BatchSize;
            }

            if (full)
            {
                Flush();
            }

            return true;
        }
        finally
        {
            if (whole)
            {
                ArrayPool<byte>.Shared.Return(record);
            }
        }
    }

    /// <summary>Records up to this size are copied into one pooled buffer and written at once.</summary>
    private const int SingleWriteBytes = 64 * 1024;

    /// <summary>Makes every payload appended so far durable (fsync of its pack), then records their locations in the index.</summary>
    public void Flush()
    {
        // One flush at a time: a batch's pack is synced before any of its locations is recorded.
        lock (_flushGate)
        {
            List<(string Hash, ObjectLocation Location)> batch;
            List<Pack> packs;
            Pack? current;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = [];
                packs = _unsynced;
                current = _current;
                _unsynced = current is null ? [] : [current];
            }

            foreach (var pack in packs)
            {
                Durable.SyncFile(pack.Handle);
                if (!ReferenceEquals(pack, current))
                {
                    // Replaced before this batch was taken: nothing appends to it any more.
                    pack.Handle.Dispose();
                }
            }

            _index.Record(batch);
            lock (_gate)
            {
                foreach (var (hash, _) in batch)
                {
                    _pendingByHash.Remove(hash);
                }
            }
        }
    }

    /// <summary>The payload's bytes; a <see cref="FileNotFoundException"/> when it is not stored.</summary>
    public byte[] Read(string hash) =>
        TryRead(hash, out var bytes, out var problem) ? bytes : throw new FileNotFoundException($"evidence {hash}: {problem}");

    /// <summary>Reads the payload's bytes, or says why it cannot (missing, its pack missing or cut short).</summary>
    public bool TryRead(string hash, out byte[] bytes, out string problem)
    {
        bytes = [];
        if (Locate(hash) is { } location)
        {
            var path = Path.Combine(_packs, location.Pack);
            SafeFileHandle handle;
            try
            {
                handle = _readers.GetOrAdd(location.Pack, _ => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            }
            catch (FileNotFoundException)
            {
                problem = $"its pack {PackPath(location.Pack)} is missing";
                return false;
            }

            bytes = new byte[location.Length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), location.Offset + read);
                if (n == 0)
                {
                    problem = $"{PackPath(location.Pack)} ends at byte {location.Offset + read}, before the payload's end (offset {location.Offset}, length {location.Length})";
                    bytes = [];
                    return false;
                }

                read += n;
            }

            problem = "";
            return true;
        }

        var loose = LoosePathOf(hash);
        if (_hasLoose && File.Exists(loose))
        {
            bytes = File.ReadAllBytes(loose);
            problem = "";
            return true;
        }

        problem = "it is missing (no location in the index's objects table, no loose file)";
        return false;
    }

    /// <summary>Where a payload is, for messages: its pack and offset, or its loose file.</summary>
    public string Describe(string hash) => Locate(hash) is { } l
        ? $"{PackPath(l.Pack)} at offset {l.Offset}"
        : Path.GetRelativePath(Path.GetDirectoryName(_root)!, LoosePathOf(hash));

    /// <summary>Flushes the batch and makes the packs folder's entries durable (before a seal).</summary>
    public void SyncDirectories()
    {
        Flush();
        if (Directory.Exists(_packs))
        {
            Durable.SyncDirectory(_packs);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _current?.Handle.Dispose();
            foreach (var pack in _unsynced)
            {
                pack.Handle.Dispose();
            }

            foreach (var reader in _readers.Values)
            {
                reader.Dispose();
            }
        }
    }

    /// <summary>The pack this process appends to (under <see cref="_gate"/>): created on first use, replaced past the limit.</summary>
    private Pack CurrentPack()
    {
        if (_current is { } current && current.Length < PackLimit)
        {
            return current;
        }

        Directory.CreateDirectory(_packs);
        var name = $"{Guid.NewGuid():N}.pack";
        var handle = File.OpenHandle(Path.Combine(_packs, name), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        // The new name must survive a crash before any location in it is recorded.
        Durable.SyncDirectory(_packs);
        _current = new Pack(name, handle);
        if (!_unsynced.Contains(_current))
        {
            _unsynced.Add(_current);
        }

        return _current;
    }

    private static bool IsLooseDirectory(string name) => name.Length == 2 && name.All(char.IsAsciiHexDigitLower);

    private sealed class Pack(string name, SafeFileHandle handle)
    {
        public string Name { get; } = name;
        public SafeFileHandle Handle { get; } = handle;
        public long Length { get; set; }
    }
}
