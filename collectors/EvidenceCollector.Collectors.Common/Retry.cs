using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace EvidenceCollector.Collectors.Common;

/// <summary>
/// The retry and time budget of one provider's calls (<c>Aws:Retry</c>, and each provider's equivalent). Durations
/// are <see cref="TimeSpan"/>s; validation names the provider's keys.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Attempts per call, the first one included.</summary>
    public int MaxAttempts { get; set; } = 10;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Time cap of one call including all its retries.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Time cap of one HTTP attempt (from the moment it holds a call slot).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Problems with these options, each naming its key under <paramref name="section"/> (e.g. <c>Aws:Retry</c>).</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (MaxAttempts < 1)
        {
            yield return $"{section}:MaxAttempts: must be at least 1";
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            yield return $"{section}:MaxDelay: must be at least {section}:BaseDelay, both non-negative";
        }

        if (TotalTimeout <= TimeSpan.Zero)
        {
            yield return $"{section}:TotalTimeout: must be positive";
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            yield return $"{section}:AttemptTimeout: must be positive";
        }
    }
}

/// <summary>
/// One retry/backoff policy for every provider: exponential backoff with jitter within
/// <see cref="RetryOptions.MaxAttempts"/> and a total time cap. What is worth another attempt is the provider's
/// classification (AWS throttling codes and 5xx; ARM 429 and 5xx), passed in as a function.
/// </summary>
public static class RetryPolicy
{
    /// <param name="isTransient">The provider's classification of a failed attempt.</param>
    /// <param name="delayHint">The delay the service asked for (ARM's <c>Retry-After</c>), when it named one; null: backoff.</param>
    public static ResiliencePipeline Create(RetryOptions options, TimeProvider timeProvider, Func<Exception, bool> isTransient, Func<Exception, TimeSpan?>? delayHint = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });

        // MaxAttempts = 1 (allowed: no retries) has no retry strategy at all; Polly refuses one of zero retries.
        if (options.MaxAttempts > 1)
        {
            var retry = new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(isTransient),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
            };
            if (delayHint is not null)
            {
                retry.DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } e && delayHint(e) is { } hint
                    ? (TimeSpan?)(hint > options.MaxDelay ? options.MaxDelay : hint)
                    : null);
            }

            builder.AddRetry(retry);
        }

        return builder.Build();
    }
}
