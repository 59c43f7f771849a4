using System.Collections.Concurrent;

namespace EvidenceCollector.Estate;

public enum FailureKind
{
    /// <summary>The service's own access-denied error (IAM AccessDenied 403, EC2 UnauthorizedOperation 403, JSON AccessDeniedException 400, S3 AccessDenied 403).</summary>
    AccessDenied,
    /// <summary>HTTP 500 with InternalFailure / InternalError.</summary>
    InternalError,
    /// <summary>No answer until the client gives up (the request is aborted) or the server stops.</summary>
    Timeout,
    /// <summary>HTTP 200 with a truncated, garbled body.</summary>
    MalformedBody,
    /// <summary>The service's real throttling error.</summary>
    Throttle,
}

/// <summary>A failure to inject. Null filters match anything; <see cref="Times"/> null = always.</summary>
public sealed class FailureRule
{
    /// <summary>Signing name (<c>iam</c>, <c>ec2</c>, <c>s3</c>, …; S3 Control is <c>s3control</c>); null = any.</summary>
    public string? Service { get; init; }
    public string? Operation { get; init; }
    public string? Account { get; init; }
    public string? Region { get; init; }
    public FailureKind Kind { get; init; } = FailureKind.InternalError;
    /// <summary>How many requests this rule fails before it stops matching; null = every request.</summary>
    public int? Times { get; init; }

    private int _used;

    internal bool Matches(string service, string operation, string account, string region) =>
        (Service is null || string.Equals(Service, service, StringComparison.OrdinalIgnoreCase))
        && (Operation is null || string.Equals(Operation, operation, StringComparison.Ordinal))
        && (Account is null || Account == account)
        && (Region is null || Region == region);

    /// <summary>How many matching requests are answered normally before this rule starts failing (e.g. 1: the second page fails).</summary>
    public int Skip { get; init; }

    private int _seen;

    /// <summary>Consumes one use; false while skipping and once the rule is exhausted.</summary>
    internal bool TryConsume() =>
        (Skip <= 0 || Interlocked.Increment(ref _seen) > Skip) && (Times is not { } limit || Interlocked.Increment(ref _used) <= limit);
}

/// <summary>Runtime switches of a running estate server. Every member is thread-safe.</summary>
public sealed class EstateSwitches
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private List<FailureRule> _failures = [];
    private readonly ConcurrentDictionary<string, ThrottleSettings> _throttles = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _latencyTicks;
    private int _pageSize = 2;
    private long _credentialReportDelayTicks;

    public EstateSwitches() : this(TimeProvider.System)
    {
    }

    public EstateSwitches(TimeProvider time) => _time = time;

    /// <summary>Added to every call before it is answered.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value < TimeSpan.Zero ? 0 : value.Ticks);
    }

    /// <summary>Items per page of every paginated answer (a caller's smaller MaxItems/MaxResults/Limit wins).</summary>
    public int PageSize
    {
        get => Volatile.Read(ref _pageSize);
        set => Volatile.Write(ref _pageSize, value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), "PageSize must be ≥ 1") : value);
    }

    /// <summary>How long after GenerateCredentialReport the report becomes available (GetCredentialReport answers ReportInProgress before).</summary>
    public TimeSpan CredentialReportDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _credentialReportDelayTicks));
        set => Interlocked.Exchange(ref _credentialReportDelayTicks, value.Ticks);
    }

    /// <summary>Token bucket per service, per account and region: <paramref name="requestsPerSecond"/> refill, <paramref name="burst"/> capacity.</summary>
    public void SetThrottle(string service, double requestsPerSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _throttles[service] = new ThrottleSettings(requestsPerSecond, burst);
        foreach (var key in _buckets.Keys.Where(k => k.StartsWith(service + "|", StringComparison.OrdinalIgnoreCase)))
        {
            _buckets.TryRemove(key, out _);
        }
    }

    public void ClearThrottle(string service) => SetThrottleOff(service);

    public void ClearThrottles()
    {
        _throttles.Clear();
        _buckets.Clear();
    }

    public void AddFailure(FailureRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            _failures = [.. _failures, rule];
        }
    }

    public void ClearFailures()
    {
        lock (_gate)
        {
            _failures = [];
        }
    }

    internal FailureRule? MatchFailure(string service, string operation, string account, string region)
    {
        var rules = Volatile.Read(ref _failures);
        foreach (var rule in rules)
        {
            if (rule.Matches(service, operation, account, region) && rule.TryConsume())
            {
                return rule;
            }
        }
        return null;
    }

    /// <summary>True when the request may proceed, false when it is throttled.</summary>
    internal bool TryAcquire(string service, string account, string region)
    {
        if (!_throttles.TryGetValue(service, out var settings))
        {
            return true;
        }
        var bucket = _buckets.GetOrAdd($"{service}|{account}|{region}", _ => new TokenBucket(settings, _time));
        return bucket.TryTake();
    }

    private void SetThrottleOff(string service)
    {
        _throttles.TryRemove(service, out _);
    }

    private sealed record ThrottleSettings(double RequestsPerSecond, int Burst);

    private sealed class TokenBucket(ThrottleSettings settings, TimeProvider time)
    {
        private readonly object _lock = new();
        private double _tokens = settings.Burst;
        private long _last = time.GetTimestamp();

        public bool TryTake()
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(settings.Burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * settings.RequestsPerSecond));
                _last = now;
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens -= 1;
                return true;
            }
        }
    }
}
