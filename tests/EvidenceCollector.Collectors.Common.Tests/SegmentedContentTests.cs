using System.Net.Http.Headers;
using EvidenceCollector.Collectors.Common;

namespace EvidenceCollector.Collectors.Common.Tests;

public sealed class SegmentedContentTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(16 * 1024)]
    [InlineData(300_000)]
    public async Task ReadAsync_KeepsEveryByteAndTheContentHeaders(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var wire = new StreamContent(new MemoryStream(bytes));
        wire.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "UTF-8" };
        wire.Headers.TryAddWithoutValidation("Content-MD5", "abc==");

        using var content = await SegmentedContent.ReadAsync(wire, CancellationToken.None);

        Assert.Equal("text/xml", content.Headers.ContentType?.MediaType);
        Assert.Equal("UTF-8", content.Headers.ContentType?.CharSet);
        Assert.Equal("abc==", Assert.Single(content.Headers.GetValues("Content-MD5")));
        Assert.Equal(size, content.Headers.ContentLength);
        // Read as the SDK reads an answer (a stream), and as an error reader does (the whole body).
        using (var stream = await content.ReadAsStreamAsync())
        {
            var read = new MemoryStream();
            await stream.CopyToAsync(read);
            Assert.Equal(bytes, read.ToArray());
        }

        Assert.Equal(bytes, await content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ReadAsync_WireThatFailsMidway_ThrowsAsLoadIntoBufferDoes()
    {
        var wire = new StreamContent(new FailingStream());

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => SegmentedContent.ReadAsync(wire, CancellationToken.None));
        Assert.IsType<IOException>(e.InnerException);
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _reads++ == 0 ? Math.Min(count, 10) : throw new IOException("connection reset");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
