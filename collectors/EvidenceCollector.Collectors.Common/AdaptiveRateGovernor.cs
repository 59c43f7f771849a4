using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvidenceCollector.Collectors.Common;

/// <summary>
/// The lane a request is paced in, opaque to the governor: each provider says what its service throttles by.
/// AWS: an access key (so an account's session), a service and a region. Azure: a principal, a subscription and
/// a resource provider.
/// </summary>
/// <param name="Principal">Who sends (an access key id, an object id): an identifier, never a secret; only its last four characters are ever shown.</param>
/// <param name="Scope">Where the limit applies (a region, a subscription).</param>
/// <param name="Service">What is throttled (a service, a resource provider).</param>
public readonly record struct RateLane(string Principal, string Scope, string Service)
{
    /// <summary>The last four characters of <see cref="Principal"/>, for messages.</summary>
    public string PrincipalEnd => Principal.Length > 4 ? Principal[^4..] : Principal;

    public override string ToString() => $"{Service} in {Scope} for the principal ending {PrincipalEnd}";
}

/// <summary>
/// A request's place in its lane: which rate it was paced at (so an answer to it is read against that rate), the
/// lane object it was taken in, and whether it queued for its turn (then the caller must
/// <see cref="AdaptiveRateGovernor.Leave"/> the queue, with its turn or without).
/// </summary>
public readonly record struct RateTicket(RateLane Key, int Generation, bool Queued)
{
    internal object? Lane { get; init; }
}

/// <summary>
/// Client-side adaptive rate limiting (<c>Aws:AdaptiveRateLimiting</c>, and each provider's equivalent), shared by
/// every client of a provider. A lane sends freely until the service throttles it (as the provider classifies its
/// answers: AWS throttling codes, ARM 429). From then on its requests are paced: at first at
/// <see cref="Backoff"/> of the rate the lane was sending at over the last <see cref="Window"/> (an upper bound of
/// what it is admitted), cut to <see cref="Backoff"/> again on each throttle of a request paced at the current
/// rate, compounding by <see cref="Growth"/> per second without one, and released after <see cref="Release"/>
/// without a throttle.
/// <para>
/// Why: retrying throttled calls with exponential backoff alone leaves a throttled service idle while every
/// caller sleeps, and a few calls that drew several long backoffs end a scan seconds after the rest. Pacing keeps
/// the offered rate near what the service admits, so throttles stay rare and the retries that remain are short.
/// The retry policy is unchanged: a throttled request is retried with its backoff, and is paced again.
/// </para>
/// <para>
/// A turn is taken before the shared call limiter: waiting for a turn holds no call slot. When every slot is
/// busy, turns that came due queue at the limiter and may then go out closer together than the pace; the
/// throttles that causes are few, and each cuts the rate as any other.
/// </para>
/// </summary>
public sealed class AdaptiveRateGovernor(TimeProvider time, bool enabled = true, ILogger<AdaptiveRateGovernor>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<AdaptiveRateGovernor>.Instance;

    /// <summary>Share of the rate kept when a request paced at it is throttled (and of the sending rate at the first throttle).</summary>
    public const double Backoff = 0.85;

    /// <summary>Growth of the rate per second without a throttle (compounding).</summary>
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

    /// <summary>Window over which a lane's sending rate is measured when it is first throttled.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>A waiter looks at its ticket at least this often: a cut or a release while it waits gives it a new turn.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<RateLane, Lane> _lanes = new();

    private long _cuts;

    private long _nextSweep;

    public static AdaptiveRateGovernor Disabled { get; } = new(TimeProvider.System, enabled: false);

    public bool Enabled => enabled;

    /// <summary>The paced rate of a lane now, or null when it sends freely (for metrics, benchmarks and tests).</summary>
    public double? RateOf(RateLane key) => _lanes.TryGetValue(key, out var lane) ? lane.CurrentRate(time.GetTimestamp()) : null;

    /// <summary>Every lane seen so far and its paced rate now, null while it sends freely (for metrics, benchmarks and tests).</summary>
    public IReadOnlyDictionary<RateLane, double?> Lanes()
    {
        var now = time.GetTimestamp();
        return _lanes.ToDictionary(l => l.Key, l => l.Value.CurrentRate(now));
    }

    /// <summary>Throttles answered so far that cut a lane's rate (for metrics, benchmarks and tests).</summary>
    public long Cuts => Interlocked.Read(ref _cuts);

    /// <summary>
    /// Takes the next turn in the key's lane: how long to wait before sending (zero while the lane sends freely).
    /// A ticket that queued (<see cref="RateTicket.Queued"/>) must <see cref="Leave"/> the queue once the
    /// wait ends, with its turn or without; before sending, the caller checks it is <see cref="StillValid"/> (a
    /// cut or a release while it waited changes the pace, and it takes a new turn).
    /// </summary>
    public TimeSpan Reserve(RateLane key, out RateTicket ticket)
    {
        if (!enabled)
        {
            ticket = new RateTicket(key, 0, false);
            return TimeSpan.Zero;
        }

        var now = time.GetTimestamp();
        if (now >= Interlocked.Read(ref _nextSweep))
        {
            Sweep(now);
        }

        while (true)
        {
            var lane = _lanes.GetOrAdd(key, static (_, frequency) => new Lane(frequency), time.TimestampFrequency);
            if (lane.TryReserve(now, key, out ticket, out var wait))
            {
                return wait;
            }

            // Retired by the sweep between the lookup and the turn: take the turn in a fresh lane.
            _lanes.TryRemove(KeyValuePair.Create(key, lane));
        }
    }

    public bool StillValid(RateTicket ticket) =>
        !enabled || ticket.Lane is not Lane lane || lane.Generation == ticket.Generation;

    /// <summary>Ends a queued ticket's wait: <paramref name="abandoned"/> when it will not be sent on this turn.</summary>
    public void Leave(RateTicket ticket, bool abandoned)
    {
        if (enabled && ticket.Queued && ticket.Lane is Lane lane)
        {
            lane.Leave(time.GetTimestamp(), abandoned);
        }
    }

    /// <summary>Waits for the key's turn (<see cref="Reserve"/> until a turn holds), looking at the ticket every <see cref="Recheck"/>.</summary>
    public async ValueTask<RateTicket> WaitTurnAsync(RateLane key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = Reserve(key, out var ticket);
            if (wait <= TimeSpan.Zero)
            {
                return ticket;
            }

            var due = time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
            try
            {
                for (var left = wait; left > TimeSpan.Zero && StillValid(ticket); left = time.GetElapsedTime(time.GetTimestamp(), due))
                {
                    await Task.Delay(left < Recheck ? left : Recheck, time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                Leave(ticket, abandoned: true);
                throw;
            }

            var valid = StillValid(ticket);
            Leave(ticket, abandoned: !valid);
            if (valid)
            {
                return ticket;
            }
        }
    }

    /// <summary>Records the answer to a request sent on <paramref name="ticket"/>: admitted, or throttled.</summary>
    public void Answered(RateTicket ticket, bool throttled)
    {
        if (!enabled || ticket.Lane is not Lane lane)
        {
            return;
        }

        if (lane.Answered(time.GetTimestamp(), ticket.Generation, throttled, out var started))
        {
            Interlocked.Increment(ref _cuts);
            if (started is { } rate)
            {
                // Once per lane and episode, not per cut; the principal is an identifier, and only its end is shown.
                Log.LanePaced(_logger, ticket.Key.Service, ticket.Key.Scope, ticket.Key.PrincipalEnd, rate);
            }
        }
    }

    /// <summary>Forgets lanes idle for <see cref="IdleLane"/>; runs at most once a minute.</summary>
    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + (long)(time.TimestampFrequency * 60.0), next) != next)
        {
            return;
        }

        foreach (var entry in _lanes)
        {
            if (entry.Value.TryRetire(now, IdleLane))
            {
                _lanes.TryRemove(entry);
            }
        }
    }

    private sealed class Lane(long frequency)
    {
        private const int Buckets = 10;

        private readonly object _lock = new();

        // Requests sent while the lane was free, in the last Window, in Buckets slices (a ring indexed by slice number).
        private readonly int[] _sent = new int[Buckets];
        private readonly long[] _slice = new long[Buckets];
        private long _firstSent = -1;

        private double _rate;          // 0: sends freely
        private long _rateSince;       // when _rate was last set (growth is measured from here)
        private long _lastThrottle;
        private long _next;            // earliest time of the next paced turn
        private int _waiting;          // tickets queued for a turn
        private long _lastUsed = -1;
        private bool _retired;

        public int Generation { get; private set; }

        public double? CurrentRate(long now)
        {
            lock (_lock)
            {
                return _rate == 0 ? null : RateAt(now);
            }
        }

        /// <summary>False when the lane was retired (the caller takes its turn in a fresh one).</summary>
        public bool TryReserve(long now, RateLane key, out RateTicket ticket, out TimeSpan wait)
        {
            lock (_lock)
            {
                wait = TimeSpan.Zero;
                ticket = new RateTicket(key, Generation, false) { Lane = this };
                if (_retired)
                {
                    return false;
                }

                _lastUsed = now;
                if (_rate != 0 && Elapsed(_lastThrottle, now) >= Release)
                {
                    _rate = 0;
                    _firstSent = -1;
                    Generation++;
                    ticket = new RateTicket(key, Generation, false) { Lane = this };
                }

                if (_rate == 0)
                {
                    CountSent(now);
                    return true;
                }

                var turn = Math.Max(_next, now);
                _next = turn + Ticks(1 / RateAt(turn));
                if (turn > now)
                {
                    _waiting++;
                    ticket = ticket with { Queued = true };
                    wait = Elapsed(now, turn);
                }

                return true;
            }
        }

        /// <summary>
        /// A queued ticket's wait ended. An abandoned turn (cancelled, or its pace changed) is given back: the next
        /// turn comes no later than one interval after the turns still queued.
        /// </summary>
        public void Leave(long now, bool abandoned)
        {
            lock (_lock)
            {
                _waiting = Math.Max(0, _waiting - 1);
                if (abandoned && _rate != 0)
                {
                    _next = Math.Min(_next, now + Ticks((_waiting + 1) / RateAt(now)));
                }
            }
        }

        /// <summary>True when this answer cut the rate; <paramref name="started"/> is the rate when it is the first cut of the lane (or since its release).</summary>
        public bool Answered(long now, int generation, bool throttled, out double? started)
        {
            started = null;
            if (!throttled)
            {
                return false;
            }

            lock (_lock)
            {
                _lastThrottle = now;

                // Only a request paced at the current rate says that rate is too high; the ones sent before the
                // last change were answered for the old one.
                if (generation != Generation)
                {
                    return false;
                }

                var wasFree = _rate == 0;
                var from = wasFree ? SendingRate(now) : RateAt(now);
                _rate = Math.Max(MinRate, from * Backoff);
                _rateSince = now;
                _next = now + Ticks(1 / _rate);
                Generation++;
                started = wasFree ? _rate : null;
                return true;
            }
        }

        /// <summary>Retires the lane when it is not pacing and unused for <paramref name="idle"/>.</summary>
        public bool TryRetire(long now, TimeSpan idle)
        {
            lock (_lock)
            {
                _retired = _waiting == 0 && (_rate == 0 || Elapsed(_lastThrottle, now) >= Release) && Elapsed(_lastUsed, now) >= idle;
                return _retired;
            }
        }

        private double RateAt(long now) => _rate * Math.Pow(1 + Growth, Math.Max(0, Elapsed(_rateSince, now).TotalSeconds));

        private void CountSent(long now)
        {
            if (_firstSent < 0)
            {
                _firstSent = now;
            }

            var slice = now / SliceTicks;
            var i = (int)(slice % Buckets);
            if (_slice[i] != slice)
            {
                _slice[i] = slice;
                _sent[i] = 0;
            }

            _sent[i]++;
        }

        /// <summary>
        /// Requests per second sent over the last window: the slice now running and the ones before it, over the
        /// time they cover (from the first request, when that is later; never less than one slice).
        /// </summary>
        private double SendingRate(long now)
        {
            var slice = now / SliceTicks;
            var sent = 0;
            for (var i = 0; i < Buckets; i++)
            {
                if (slice - _slice[i] < Buckets)
                {
                    sent += _sent[i];
                }
            }

            if (sent == 0)
            {
                return MinRate;
            }

            var from = Math.Max((slice - (Buckets - 1)) * SliceTicks, _firstSent);
            return sent / Math.Max(Elapsed(from, now).TotalSeconds, Window.TotalSeconds / Buckets);
        }

        private long SliceTicks => (long)(frequency * Window.TotalSeconds / Buckets);

        private long Ticks(double seconds) => (long)(seconds * frequency);

        private TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((double)(to - from) / frequency);
    }
}
