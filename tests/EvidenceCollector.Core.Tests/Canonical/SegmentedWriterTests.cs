using EvidenceCollector.Canonical;

namespace EvidenceCollector.Core.Tests.Canonical;

/// <summary>The pooled segment buffer: what is copied in (in reads of any size) comes back out, whole and seekable.</summary>
public sealed class SegmentedWriterTests
{
    [Theory]
    [InlineData(0, 7)]
    [InlineData(1, 7)]
    [InlineData(16 * 1024, 16 * 1024)]
    [InlineData(300_000, 5_000)]
    [InlineData(300_000, 1)]
    public async Task CopyFromAsync_ThenOpenRead_GivesBackEveryByteInOrder(int length, int chunk)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        using var writer = new SegmentedWriter();

        await writer.CopyFromAsync(new TrickleStream(bytes, chunk), CancellationToken.None);

        Assert.Equal(length, writer.Length);
        Assert.Equal(bytes, writer.ToArray());
        using var read = writer.OpenRead();
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(Jcs.Sha256Hex(bytes), writer.Sha256Hex());
    }

    [Fact]
    public async Task OpenRead_SeekAnywhere_ReadsFromThere()
    {
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251)).ToArray();
        using var writer = new SegmentedWriter();
        await writer.CopyFromAsync(new TrickleStream(bytes, 3_000), CancellationToken.None);
        using var read = writer.OpenRead();

        foreach (var at in new[] { 0, 1, 16_383, 16_384, 16_385, 50_000, 99_999 })
        {
            read.Position = at;
            var buffer = new byte[40];
            var n = read.Read(buffer);
            Assert.Equal(Math.Min(40, bytes.Length - at), n);
            Assert.Equal(bytes.AsSpan(at, n).ToArray(), buffer.AsSpan(0, n).ToArray());
            Assert.Equal(at + n, read.Position);
        }

        read.Seek(-10, SeekOrigin.End);
        Assert.Equal(10, read.Read(new byte[64]));
        Assert.Equal(0, read.Read(new byte[64]));
    }

    /// <summary>A source that answers at most <c>chunk</c> bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
