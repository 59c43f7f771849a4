using System.Text;
using Amazon.Runtime;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// The HTTP client every SDK client (S3, KMS, EC2, STS) sends through: one connection pool, and the shared
/// <see cref="AwsCallLimiter"/> held from an attempt's first byte out to its last byte in, exactly as the
/// signed client holds it. So the limit counts requests on the wire: marshalling, signing, parsing, error
/// handling and the SDK's retry back-off run outside it. Before that, each attempt takes its turn in the
/// <see cref="AwsRateGovernor"/>'s lane (the access key, service and region of its SigV4 credential scope), and its
/// answer is reported back to it: the SDK clients are paced exactly as the signed client.
/// </summary>
public sealed class LimitedHttpClientFactory : HttpClientFactory, IDisposable
{
    private readonly HttpClient _client;

    public LimitedHttpClientFactory(AwsCallLimiter limiter, AwsRateGovernor governor, TimeSpan attemptTimeout)
    {
        // As the SDK's own client: redirects followed (ClientConfig.AllowAutoRedirect's default), proxies from
        // the environment; connections recycled so DNS changes are seen.
        var sockets = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        // The attempt timeout is the handler's, from the moment the request holds a call slot: HttpClient's own
        // Timeout would also run while the request waits for its turn in a paced lane or for a slot.
        _client = new HttpClient(new LimitingHandler(limiter, governor, attemptTimeout) { InnerHandler = sockets }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _client.Dispose();

    private sealed class LimitingHandler(AwsCallLimiter limiter, AwsRateGovernor governor, TimeSpan attemptTimeout) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var turn = governor.Enabled && RateKeyOf(request) is { } key
                ? await governor.WaitTurnAsync(key, cancellationToken).ConfigureAwait(false)
                : (AwsRateTicket?)null;
            HttpResponseMessage response;
            using (await limiter.EnterAsync(cancellationToken).ConfigureAwait(false))
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(attemptTimeout);
                try
                {
                    response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The same shape as HttpClient's own timeout, which the SDK treats as a timed-out attempt.
                    throw new TaskCanceledException($"The request was canceled: no answer within the attempt timeout of {attemptTimeout}.", new TimeoutException(e.Message, e));
                }

                try
                {
                    // To the last byte: the slot is the request's time on the wire, body included.
                    response.Content = await SegmentedContent.ReadAsync(response.Content, attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    response.Dispose();
                    throw new TaskCanceledException($"The request was canceled: the answer was not read within the attempt timeout of {attemptTimeout}.", new TimeoutException(e.Message, e));
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }

            if (turn is { } ticket)
            {
                governor.Answered(ticket, await IsThrottlingAsync(response, cancellationToken).ConfigureAwait(false));
            }

            return response;
        }

        /// <summary>Throttling answers come as 400 (Query, JSON), 429 or 503 (S3 SlowDown, EC2 RequestLimitExceeded).</summary>
        private static async Task<bool> IsThrottlingAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            var status = (int)response.StatusCode;
            if (status is not (400 or 429 or 503))
            {
                return false;
            }

            try
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var (code, _, _) = AwsApiClient.ReadError(response, text, null);
                return AwsRetry.IsThrottling(code, response.StatusCode);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or DecoderFallbackException or OperationCanceledException)
            {
                // An error body that cannot be read as text (a bad charset) says nothing about throttling; the SDK
                // reports the answer itself.
                return AwsRetry.IsThrottling(null, response.StatusCode);
            }
        }

        // Raw: the SDK adds the header without validation, and the typed Authorization property does not parse
        // AWS4-HMAC-SHA256's parameter list (it answers null).
        private static AwsRateKey? RateKeyOf(HttpRequestMessage request) =>
            request.Headers.TryGetValues("Authorization", out var values) && values.FirstOrDefault() is { } authorization
                ? AwsRateKey.FromAuthorization(authorization)
                : null;
    }
}
