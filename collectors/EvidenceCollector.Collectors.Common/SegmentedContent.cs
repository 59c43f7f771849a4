namespace EvidenceCollector.Collectors.Common;

/// <summary>
/// An answer's body read off the wire into pooled 16 kB segments (<see cref="LimitedSendHandler"/> reads every
/// answer so, SDK clients' and the signed client's alike).
/// HttpContent's own buffering (LoadIntoBufferAsync) grows one array from the shared pool by doubling up to
/// the body's size and gives each size back, and the pool's per-thread caches keep one of every size on every
/// thread that handled a large page; segments of one size keep what the pool holds small and fixed.
/// </summary>
public sealed class SegmentedContent : HttpContent
{
    private readonly Canonical.SegmentedWriter _body;

    private SegmentedContent(Canonical.SegmentedWriter body) => _body = body;

    /// <summary>Reads <paramref name="wire"/> to its end and disposes it; the copy keeps its content headers.</summary>
    public static async Task<HttpContent> ReadAsync(HttpContent wire, CancellationToken cancellationToken)
    {
        var body = new Canonical.SegmentedWriter();
        try
        {
            using (wire)
            {
                using (var stream = await wire.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
                {
                    await body.CopyFromAsync(stream, cancellationToken).ConfigureAwait(false);
                }

                var content = new SegmentedContent(body);
                foreach (var header in wire.Headers)
                {
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                // The length is the bytes read (what LoadIntoBufferAsync would report too).
                content.Headers.ContentLength = body.Length;
                return content;
            }
        }
        catch (IOException e)
        {
            // As LoadIntoBufferAsync reports a body cut off: the SDK retries it as a transport error.
            body.Dispose();
            throw new HttpRequestException("Error while copying content to a stream.", e);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(_body.OpenRead());

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        using var source = _body.OpenRead();
        await source.CopyToAsync(stream).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }

        base.Dispose(disposing);
    }
}
