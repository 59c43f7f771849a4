using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>The lane a request is paced in: AWS throttles per account (here: per access key), service and region.</summary>
public readonly record struct AwsRateKey(string AccessKeyId, string Service, string Region)
{
    public override string ToString() => $"{Service} in {Region} for {AccessKeyId}";

    /// <summary>
    /// The lane of a SigV4-signed request, from its <c>Authorization</c> header's credential scope
    /// (<c>AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...</c>); null for anything else.
    /// </summary>
    public static AwsRateKey? FromAuthorization(string authorization)
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
            ? new AwsRateKey(scope[parts[0]].ToString(), scope[parts[3]].ToString(), scope[parts[2]].ToString())
            : null;
    }
}

/// <summary>A request's place in its lane: which rate it was paced at, so an answer to it is read against that rate.</summary>
public readonly record struct AwsRateTicket(AwsRateKey Key, int Generation);

/// <summary>
/// Client-side adaptive rate limiting (<c>Aws:AdaptiveRateLimiting</c>), shared by the SDK clients and the signed
/// client. A lane sends freely until AWS throttles it; from then on its requests are paced at a rate learned
/// from the answers: cut to <see cref="Backoff"/> of the current rate on a throttle of a request paced at that
/// rate, raised by <see cref="Growth"/> of itself per second without one, and released after
/// <see cref="Release"/> without a throttle.
/// <para>
/// Why: retrying throttled calls with exponential backoff alone leaves a throttled service idle while every
/// caller sleeps, and a few calls that drew several long backoffs end a scan seconds after the rest. Pacing keeps
/// the offered rate near what the service admits, so throttles stay rare and the retries that remain are short.
/// The retry policy is unchanged: a throttled request is retried with its backoff, and is paced again.
/// </para>
/// </summary>
public sealed class AwsRateGovernor(TimeProvider time, bool enabled = true, ILogger<AwsRateGovernor>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<AwsRateGovernor>.Instance;

    /// <summary>Share of the rate kept when a request paced at it is throttled.</summary>
    public const double Backoff = 0.85;

    /// <summary>Share of the rate added per second without a throttle.</summary>
    public const double Growth = 0.08;

    /// <summary>Lowest paced rate, requests per second.</summary>
    public const double MinRate = 0.5;

    /// <summary>Time without a throttle after which a lane sends freely again.</summary>
    public static readonly TimeSpan Release = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A lane unused this long (and not pacing) is forgotten: assumed-role sessions get new access keys every run,
    /// so a worker that runs for months would otherwise keep a lane for every session it ever had.
    /// </summary>
    public static readonly TimeSpan IdleLane = TimeSpan.FromMinutes(10);

    /// <summary>Window over which a lane's admitted rate is measured when it is first throttled.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<AwsRateKey, Lane> _lanes = new();

    public static AwsRateGovernor Disabled { get; } = new(TimeProvider.System, enabled: false);

    public bool Enabled => enabled;

    /// <summary>The paced rate of a lane now, or null when it sends freely (for metrics, benchmarks and tests).</summary>
    public double? RateOf(AwsRateKey key) => _lanes.TryGetValue(key, out var lane) ? lane.CurrentRate(time.GetTimestamp()) : null;

    /// <summary>Every lane seen so far and its paced rate now, null while it sends freely (for metrics, benchmarks and tests).</summary>
    public IReadOnlyDictionary<AwsRateKey, double?> Lanes()
    {
        var now = time.GetTimestamp();
        return _lanes.ToDictionary(l => l.Key, l => l.Value.CurrentRate(now));
    }

    /// <summary>Throttles answered so far that cut a lane's rate (for metrics, benchmarks and tests).</summary>
    public long Cuts => Interlocked.Read(ref _cuts);

    private long _cuts;

    /// <summary>
    /// Takes the next turn in the key's lane: how long to wait before sending (zero while the lane sends
    /// freely). Callers that wait must <see cref="StillValid"/> their ticket afterwards: a throttle while they
    /// waited changes the pace, and they take a new turn.
    /// </summary>
    public TimeSpan Reserve(AwsRateKey key, out AwsRateTicket ticket)
    {
        if (!enabled)
        {
            ticket = new AwsRateTicket(key, 0);
            return TimeSpan.Zero;
        }

        var now = time.GetTimestamp();
        if (now >= Interlocked.Read(ref _nextSweep))
        {
            Sweep(now);
        }

        return _lanes.GetOrAdd(key, static (_, frequency) => new Lane(frequency), time.TimestampFrequency).Reserve(time, key, out ticket);
    }

    private long _nextSweep;

    /// <summary>Forgets lanes idle for <see cref="IdleLane"/>; runs at most once a minute.</summary>
    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + (long)(time.TimestampFrequency * 60.0), next) != next)
        {
            return;
        }

        foreach (var (key, lane) in _lanes)
        {
            if (lane.Idle(now, IdleLane))
            {
                _lanes.TryRemove(key, out _);
            }
        }
    }

    public bool StillValid(AwsRateTicket ticket) =>
        !enabled || !_lanes.TryGetValue(ticket.Key, out var lane) || lane.Generation == ticket.Generation;

    /// <summary>Waits for the key's turn (<see cref="Reserve"/> until a turn holds).</summary>
    public async ValueTask<AwsRateTicket> WaitTurnAsync(AwsRateKey key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = Reserve(key, out var ticket);
            if (wait <= TimeSpan.Zero)
            {
                return ticket;
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            if (StillValid(ticket))
            {
                return ticket;
            }
        }
    }

    /// <summary>Records the answer to a request sent on <paramref name="ticket"/>: admitted, or throttled.</summary>
    public void Answered(AwsRateTicket ticket, bool throttled)
    {
        if (!enabled || !_lanes.TryGetValue(ticket.Key, out var lane))
        {
            return;
        }

        if (lane.Answered(time.GetTimestamp(), ticket.Generation, throttled, out var started))
        {
            Interlocked.Increment(ref _cuts);
            if (started is { } rate)
            {
                // Once per lane and episode, not per cut; the access key is an identifier, and only its end is shown.
                var key = ticket.Key.AccessKeyId;
                Aws.Log.LanePaced(_logger, ticket.Key.Service, ticket.Key.Region, key.Length > 4 ? key[^4..] : key, rate);
            }
        }
    }

    private sealed class Lane(long frequency)
    {
        private const int Buckets = 10;

        private readonly object _lock = new();

        // Admissions in the last Window, in Buckets slices (a ring indexed by slice number).
        private readonly int[] _admitted = new int[Buckets];
        private readonly long[] _slice = new long[Buckets];
        private long _firstAnswer = -1;

        private double _rate;          // 0: sends freely
        private long _rateSince;       // when _rate was last set (growth is measured from here)
        private long _lastThrottle;
        private long _next;            // earliest time of the next paced turn
        private long _lastUsed;

        /// <summary>Not pacing, and no turn taken for <paramref name="idle"/>.</summary>
        public bool Idle(long now, TimeSpan idle)
        {
            lock (_lock)
            {
                return (_rate == 0 || Elapsed(_lastThrottle, now) >= Release) && Elapsed(_lastUsed, now) >= idle;
            }
        }

        public int Generation { get; private set; }

        public double? CurrentRate(long now)
        {
            lock (_lock)
            {
                return _rate == 0 ? null : RateAt(now);
            }
        }

        public TimeSpan Reserve(TimeProvider time, AwsRateKey key, out AwsRateTicket ticket)
        {
            var now = time.GetTimestamp();
            lock (_lock)
            {
                _lastUsed = now;
                ticket = new AwsRateTicket(key, Generation);
                if (_rate == 0)
                {
                    return TimeSpan.Zero;
                }

                if (Elapsed(_lastThrottle, now) >= Release)
                {
                    _rate = 0;
                    Generation++;
                    ticket = new AwsRateTicket(key, Generation);
                    return TimeSpan.Zero;
                }

                var turn = Math.Max(_next, now);
                _next = turn + Ticks(1 / RateAt(turn));
                return Elapsed(now, turn);
            }
        }

        /// <summary>True when this answer cut the rate; <paramref name="started"/> is the rate when it is the first cut of the lane (or since its release).</summary>
        public bool Answered(long now, int generation, bool throttled, out double? started)
        {
            started = null;
            lock (_lock)
            {
                if (!throttled)
                {
                    Count(now);
                    return false;
                }

                _lastThrottle = now;

                // Only a request paced at the current rate says that rate is too high; the ones sent before the
                // last change were answered for the old one.
                if (generation != Generation)
                {
                    return false;
                }

                var wasFree = _rate == 0;
                var from = wasFree ? Measured(now) : RateAt(now);
                _rate = Math.Max(MinRate, from * Backoff);
                _rateSince = now;
                _next = now + Ticks(1 / _rate);
                Generation++;
                started = wasFree ? _rate : null;
                return true;
            }
        }

        private double RateAt(long now) => _rate * (1 + (Growth * Elapsed(_rateSince, now).TotalSeconds));

        private void Count(long now)
        {
            if (_firstAnswer < 0)
            {
                _firstAnswer = now;
            }

            var slice = now / SliceTicks;
            var i = (int)(slice % Buckets);
            if (_slice[i] != slice)
            {
                _slice[i] = slice;
                _admitted[i] = 0;
            }

            _admitted[i]++;
        }

        /// <summary>
        /// Admissions per second over the last window: the slice now running and the ones before it, over the time
        /// they cover (from the first answer, when that is later; never less than one slice).
        /// </summary>
        private double Measured(long now)
        {
            var slice = now / SliceTicks;
            var admitted = 0;
            for (var i = 0; i < Buckets; i++)
            {
                if (slice - _slice[i] < Buckets)
                {
                    admitted += _admitted[i];
                }
            }

            if (admitted == 0)
            {
                return MinRate;
            }

            var from = Math.Max((slice - (Buckets - 1)) * SliceTicks, _firstAnswer);
            return admitted / Math.Max(Elapsed(from, now).TotalSeconds, Window.TotalSeconds / Buckets);
        }

        private long SliceTicks => (long)(frequency * Window.TotalSeconds / Buckets);

        private long Ticks(double seconds) => (long)(seconds * frequency);

        private TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((double)(to - from) / frequency);
    }
}
