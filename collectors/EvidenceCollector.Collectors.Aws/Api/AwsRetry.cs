using System.Net;
using Amazon.Runtime;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// The one retry policy for AWS calls: throttling codes and 5xx answers are retried with exponential
/// backoff and jitter, within <see cref="AwsRetryOptions.MaxAttempts"/> attempts and a total time cap. The
/// signed client runs it through Polly; SDK clients get the same numbers on their own config (and only
/// their own retry layer runs for them, so retries are not multiplied).
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
    public static ResiliencePipeline CreatePipeline(AwsRetryOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });

        // MaxAttempts = 1 (allowed: no retries) has no retry strategy at all; Polly refuses one of zero retries.
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<AwsApiException>(e => e.IsTransient),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
            });
        }

        return builder.Build();
    }

    /// <summary>Applies the same policy to an SDK client's config.</summary>
    public static void Apply(ClientConfig config, AwsRetryOptions options)
    {
        config.MaxErrorRetry = Math.Max(0, options.MaxAttempts - 1);
        config.RetryMode = RequestRetryMode.Standard;
        config.Timeout = options.AttemptTimeout;
    }
}
