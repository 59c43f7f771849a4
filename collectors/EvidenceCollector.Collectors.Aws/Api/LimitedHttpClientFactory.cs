using System.Text;
using Amazon.Runtime;
using EvidenceCollector.Collectors.Common;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// The AWS send path: one HTTP client over the shared <see cref="LimitedSendHandler"/> (call limiter, adaptive
/// rate lanes, attempt timeout, answers in segments), used by every SDK client (S3, KMS, EC2, STS) through
/// <see cref="HttpClientFactory"/> and by the signed client directly. A request's lane is the access key,
/// service and region of its SigV4 credential scope; an answer is throttled when AWS says so
/// (<see cref="AwsRetry.IsThrottling"/>).
/// </summary>
public sealed class LimitedHttpClientFactory : HttpClientFactory, IDisposable
{
    public LimitedHttpClientFactory(CallLimiter limiter, AdaptiveRateGovernor governor, TimeSpan attemptTimeout)
        : this(LimitedSendHandler.CreateClient(limiter, governor, attemptTimeout, LaneOf, IsThrottlingAsync), attemptTimeout)
    {
    }

    private LimitedHttpClientFactory(HttpClient client, TimeSpan attemptTimeout)
    {
        Client = client;
        AttemptTimeout = attemptTimeout;
    }

    /// <summary>The AWS send path over <paramref name="inner"/> instead of sockets (tests give a scripted handler).</summary>
    public static LimitedHttpClientFactory Over(HttpMessageHandler inner, CallLimiter limiter, AdaptiveRateGovernor governor, TimeSpan attemptTimeout) =>
        new(LimitedSendHandler.CreateClient(inner, limiter, governor, attemptTimeout, LaneOf, IsThrottlingAsync), attemptTimeout);

    /// <summary>The client every AWS request goes through.</summary>
    public HttpClient Client { get; }

    public TimeSpan AttemptTimeout { get; }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => Client;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => Client.Dispose();

    /// <summary>
    /// The lane of a SigV4-signed request, from its <c>Authorization</c> header's credential scope
    /// (<c>AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...</c>); null for anything else.
    /// Read raw: the SDK adds the header without validation, and the typed Authorization property does not parse
    /// AWS4-HMAC-SHA256's parameter list.
    /// </summary>
    public static RateLane? LaneOf(HttpRequestMessage request) =>
        request.Headers.TryGetValues("Authorization", out var values) && values.FirstOrDefault() is { } authorization
            ? LaneOf(authorization)
            : null;

    /// <inheritdoc cref="LaneOf(HttpRequestMessage)"/>
    public static RateLane? LaneOf(string authorization)
    {
        const string Marker = "Credential=";
        var at = authorization.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var scope = authorization.AsSpan(at + Marker.Length);
        var end = scope.IndexOfAny(',', ' ');
        if (end >= 0)
        {
            scope = scope[..end];
        }

        Span<Range> parts = stackalloc Range[6];
        return scope.Split(parts, '/') == 5 && scope[parts[4]].SequenceEqual("aws4_request")
            ? new RateLane(scope[parts[0]].ToString(), scope[parts[2]].ToString(), scope[parts[3]].ToString())
            : null;
    }

    /// <summary>Throttling answers come as 400 (Query, JSON), 429 or 503 (S3 SlowDown, EC2 RequestLimitExceeded).</summary>
    private static async ValueTask<bool> IsThrottlingAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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
            // An error body that cannot be read as text (a bad charset) says nothing about throttling; the client
            // reports the answer itself.
            return AwsRetry.IsThrottling(null, response.StatusCode);
        }
    }
}
