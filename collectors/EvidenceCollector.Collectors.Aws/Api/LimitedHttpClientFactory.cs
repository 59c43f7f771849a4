using Amazon.Runtime;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// The HTTP client every SDK client (S3, KMS, EC2, STS) sends through: one connection pool, and the shared
/// <see cref="AwsCallLimiter"/> held from an attempt's first byte out to its last byte in, exactly as the
/// signed client holds it. So the limit counts requests on the wire: marshalling, signing, parsing, error
/// handling and the SDK's retry back-off run outside it.
/// </summary>
public sealed class LimitedHttpClientFactory : HttpClientFactory, IDisposable
{
    private readonly HttpClient _client;

    public LimitedHttpClientFactory(AwsCallLimiter limiter, TimeSpan attemptTimeout)
    {
        // As the SDK's own client: redirects followed (ClientConfig.AllowAutoRedirect's default), proxies from
        // the environment; connections recycled so DNS changes are seen.
        var sockets = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _client = new HttpClient(new LimitingHandler(limiter) { InnerHandler = sockets }) { Timeout = attemptTimeout };
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _client.Dispose();

    private sealed class LimitingHandler(AwsCallLimiter limiter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using (await limiter.EnterAsync(cancellationToken).ConfigureAwait(false))
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                try
                {
                    // To the last byte: the slot is the request's time on the wire, body included.
                    await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                return response;
            }
        }
    }
}
