using System.Buffers;
using System.Security.Cryptography;

namespace EvidenceCollector.Canonical;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over pooled segments of <see cref="SegmentSize"/> bytes, below the
/// large-object threshold: writing a payload of any size allocates nothing that outlives the call but the
/// exact-size result. (A growing single array doubles through the large-object heap for every payload of
/// more than 85 kB, and those copies stay in memory until the next full collection.)
/// </summary>
internal sealed class SegmentedWriter : IBufferWriter<byte>, IDisposable
{
    public const int SegmentSize = 16 * 1024;

    private readonly List<(byte[] Array, int Used)> _full = [];
    private byte[] _current = ArrayPool<byte>.Shared.Rent(SegmentSize);
    private int _used;
    private long _fullBytes;

    public long Length => _fullBytes + _used;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _current.Length - _used);
        _used += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsSpan(_used);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(1, sizeHint);
        if (_current.Length - _used >= needed)
        {
            return;
        }

        _full.Add((_current, _used));
        _fullBytes += _used;

        // A writer that asks for more than a segment gets one array of that size (writers of long text
        // write it in chunks of at most a segment, see Jcs.WriteUtf8).
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, needed));
        _used = 0;
    }

    /// <summary>The bytes written, in one array of exactly their length.</summary>
    public byte[] ToArray()
    {
        var result = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        var at = 0;
        foreach (var (array, used) in _full)
        {
            array.AsSpan(0, used).CopyTo(result.AsSpan(at));
            at += used;
        }

        _current.AsSpan(0, _used).CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>Lowercase hex SHA-256 of the bytes written, without joining them.</summary>
    public string Sha256Hex()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (array, used) in _full)
        {
            hash.AppendData(array, 0, used);
        }

        hash.AppendData(_current, 0, _used);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        foreach (var (array, _) in _full)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _full.Clear();
        if (_current.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = [];
            _used = 0;
        }
    }
}
