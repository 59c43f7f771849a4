using System.Net;
using Amazon.Runtime;
using EvidenceCollector.Collectors.Common;
using Polly;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// AWS's classification over the one retry policy (<see cref="RetryPolicy"/>): throttling codes and 5xx answers
/// are retried with exponential backoff and jitter, within <see cref="RetryOptions.MaxAttempts"/> attempts and a
/// total time cap. The signed client runs it through Polly; SDK clients get the same numbers on their own config
/// (and only their own retry layer runs for them, so retries are not multiplied).
/// </summary>
public static class AwsRetry
{
    /// <summary>Codes that say "slow down".</summary>
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
        "SlowDown", "RequestThrottled", "RequestThrottledException", "ProvisionedThroughputExceededException",
        "PriorRequestNotComplete", "BandwidthLimitExceeded", "EC2ThrottledException", "TransactionInProgressException",
    };

    /// <summary>Codes worth another attempt: every throttling code, and the service's own failures and timeouts.</summary>
    private static readonly HashSet<string> TransientCodes = new(
        ThrottlingCodes.Concat(["InternalFailure", "InternalError", "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException"]),
        StringComparer.Ordinal);

    /// <summary>An answer that says "slow down": a throttling code, or HTTP 429.</summary>
    public static bool IsThrottling(string? code, HttpStatusCode? status) =>
        (code is not null && ThrottlingCodes.Contains(code)) || status == HttpStatusCode.TooManyRequests;

    public static bool IsTransient(string code, HttpStatusCode? status) =>
        TransientCodes.Contains(code) || (status is { } s && (int)s >= 500) || code == AwsApiException.TransportError;

    /// <summary>The Polly pipeline of the signed client.</summary>
    public static ResiliencePipeline CreatePipeline(RetryOptions options, TimeProvider timeProvider) =>
        Common.RetryPolicy.Create(options, timeProvider, e => e is AwsApiException { IsTransient: true });

    /// <summary>Applies the same policy to an SDK client's config.</summary>
    public static void Apply(ClientConfig config, RetryOptions options)
    {
        config.MaxErrorRetry = Math.Max(0, options.MaxAttempts - 1);
        config.RetryMode = RequestRetryMode.Standard;
        config.Timeout = options.AttemptTimeout;
    }
}
