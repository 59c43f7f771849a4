using System.Buffers;
using System.Text;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// An answer's body, copied off the wire into pooled segments of 16 kB and read back as a stream. HttpClient's
/// own buffering grows one pooled array to the size of the answer: a page of a few hundred kB lands in the
/// shared pool's 256 kB bucket, which keeps every such array it is given back, one per page in flight.
/// </summary>
internal sealed class ResponseBody : IDisposable
{
    private const int SegmentSize = 16 * 1024;

    private readonly List<byte[]> _segments = [];
    private int _lastUsed = SegmentSize;

    public long Length { get; private set; }

    /// <summary>Copies the whole content (honouring <paramref name="cancellationToken"/> between reads).</summary>
    public static async Task<ResponseBody> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var body = new ResponseBody();
        try
        {
            using var source = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (body._lastUsed == SegmentSize)
                {
                    body._segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
                    body._lastUsed = 0;
                }

                var read = await source.ReadAsync(body._segments[^1].AsMemory(body._lastUsed, SegmentSize - body._lastUsed), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return body;
                }

                body._lastUsed += read;
                body.Length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>A fresh read-only stream over the body (valid until the body is disposed).</summary>
    public Stream OpenRead() => new Reader(this);

    /// <summary>The body as UTF-8 text (for error bodies, which are small).</summary>
    public string Text()
    {
        using var reader = new StreamReader(OpenRead(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        Length = 0;
    }

    private sealed class Reader(ResponseBody body) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, body.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var copied = 0;
            while (copied < buffer.Length && _position < body.Length)
            {
                var segment = (int)(_position / SegmentSize);
                var within = (int)(_position % SegmentSize);
                var available = (int)Math.Min(SegmentSize - within, body.Length - _position);
                var n = Math.Min(available, buffer.Length - copied);
                body._segments[segment].AsSpan(within, n).CopyTo(buffer[copied..]);
                copied += n;
                _position += n;
            }

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
            _ => body.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
