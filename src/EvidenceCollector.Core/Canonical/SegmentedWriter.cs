using System.Buffers;
using System.Security.Cryptography;

namespace EvidenceCollector.Canonical;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over pooled segments of <see cref="SegmentSize"/> bytes, below the
/// large-object threshold: writing a payload of any size allocates nothing that outlives the call but the
/// exact-size result. (A growing single array doubles through the large-object heap for every payload of
/// more than 85 kB, and those copies stay in memory until the next full collection.) What was written can
/// also be copied in from a stream (<see cref="CopyFromAsync"/>) and read back as one (<see cref="OpenRead"/>).
/// </summary>
public sealed class SegmentedWriter : IBufferWriter<byte>, IDisposable
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

    /// <summary>Appends everything <paramref name="source"/> yields, segment by segment.</summary>
    public async Task CopyFromAsync(Stream source, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A segment with less than a read's worth of room is closed rather than filled a few bytes at a time.
            var read = await source.ReadAsync(GetMemory(MinimumRead), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            Advance(read);
        }
    }

    private const int MinimumRead = 4096;

    /// <summary>A read-only, seekable stream over the bytes written so far (valid until this writer is disposed).</summary>
    public Stream OpenRead() => new Reader([.. _full, (_current, _used)], Length);

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

    private sealed class Reader(List<(byte[] Array, int Used)> segments, long length) : Stream
    {
        private long _position;
        private int _segment;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set
            {
                _position = Math.Clamp(value, 0, length);
                var remaining = _position;
                _segment = 0;
                while (_segment < segments.Count && remaining >= segments[_segment].Used && remaining > 0)
                {
                    remaining -= segments[_segment].Used;
                    _segment++;
                }

                _offset = (int)remaining;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var copied = 0;
            while (copied < buffer.Length && _segment < segments.Count)
            {
                var (array, used) = segments[_segment];
                var n = Math.Min(used - _offset, buffer.Length - copied);
                array.AsSpan(_offset, n).CopyTo(buffer[copied..]);
                copied += n;
                _offset += n;
                if (_offset == used)
                {
                    _segment++;
                    _offset = 0;
                }
            }

            _position += copied;
            return copied;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
