using EvidenceCollector.Collectors.Common;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceCollector.Collectors.Common.Tests;

public sealed class AdaptiveRateGovernorTests
{
    private static readonly RateLane Kms = new("ASIAEXAMPLE", "eu-west-1", "kms");

    [Fact]
    public void Reserve_LaneNeverThrottled_SendsFreely()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(TimeSpan.Zero, governor.Reserve(Kms, out var ticket));
            governor.Answered(ticket, throttled: false);
        }

        Assert.Null(governor.RateOf(Kms));
        Assert.Equal(0, governor.Cuts);
    }

    [Fact]
    public void Answered_FirstThrottle_PacesTheLaneAtBackoffOfTheRateItWasSendingAt()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);

        // 20 requests a second for two seconds, the last one throttled.
        RateTicket last = default;
        for (var i = 0; i < 40; i++)
        {
            governor.Reserve(Kms, out last);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        governor.Answered(last, throttled: true);

        Assert.InRange(governor.RateOf(Kms)!.Value, 19 * AdaptiveRateGovernor.Backoff, 21 * AdaptiveRateGovernor.Backoff);
        Assert.Equal(1, governor.Cuts);

        // The turns that follow are one interval apart, while the clock stands still (a little less than one: the
        // rate grows while they wait).
        var waits = Enumerable.Range(0, 5).Select(n => governor.Reserve(Kms, out _).TotalSeconds).ToList();
        var interval = 1 / governor.RateOf(Kms)!.Value;
        for (var i = 0; i < waits.Count; i++)
        {
            Assert.InRange(waits[i], interval * (i + 1) * 0.97, interval * (i + 1) * 1.0001);
        }

        // Another lane (another service, region or account) is not slowed.
        Assert.Equal(TimeSpan.Zero, governor.Reserve(Kms with { Service = "s3" }, out _));
        Assert.Equal(TimeSpan.Zero, governor.Reserve(Kms with { Scope = "us-east-1" }, out _));
        Assert.Equal(TimeSpan.Zero, governor.Reserve(Kms with { Principal = "ASIAOTHER" }, out _));
    }

    [Fact]
    public void Answered_ThrottleOfARequestPacedAtTheOldRate_DoesNotCutAgain()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);
        for (var i = 0; i < 20; i++)
        {
            governor.Reserve(Kms, out var ok);
            governor.Answered(ok, throttled: false);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Three requests in flight together; all three come back throttled.
        var inFlight = Enumerable.Range(0, 3).Select(_ => { governor.Reserve(Kms, out var t); return t; }).ToList();
        foreach (var ticket in inFlight)
        {
            governor.Answered(ticket, throttled: true);
        }

        Assert.Equal(1, governor.Cuts);
        var rate = governor.RateOf(Kms)!.Value;
        Assert.InRange(rate, 10 * AdaptiveRateGovernor.Backoff, 14 * AdaptiveRateGovernor.Backoff);
        Assert.False(governor.StillValid(inFlight[0]));

        // A request paced at the new rate and throttled again cuts once more.
        var wait = governor.Reserve(Kms, out var paced);
        time.Advance(wait);
        Assert.True(governor.StillValid(paced));
        governor.Leave(paced, abandoned: false);
        governor.Answered(paced, throttled: true);
        Assert.Equal(2, governor.Cuts);
        Assert.True(governor.RateOf(Kms) < rate);
    }

    [Fact]
    public void Rate_GrowsWithoutThrottles_AndTheLaneIsReleasedAfterAQuietMinute()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);
        governor.Reserve(Kms, out var ok);
        governor.Answered(ok, throttled: false);
        time.Advance(TimeSpan.FromSeconds(1));
        governor.Reserve(Kms, out var throttled);
        governor.Answered(throttled, throttled: true);
        var cut = governor.RateOf(Kms)!.Value;

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(cut * Math.Pow(1 + AdaptiveRateGovernor.Growth, 10), governor.RateOf(Kms)!.Value, precision: 6);

        time.Advance(AdaptiveRateGovernor.Release);
        Assert.Equal(TimeSpan.Zero, governor.Reserve(Kms, out _));
        Assert.Null(governor.RateOf(Kms));
    }

    [Fact]
    public void Answered_LaneStartsPacing_LogsOnceNamingServiceAndRegionButNotTheWholeAccessKey()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<AdaptiveRateGovernor>();
        var governor = new AdaptiveRateGovernor(time, logger: logger);
        for (var cut = 0; cut < 3; cut++)
        {
            governor.Reserve(Kms, out var ok);
            governor.Answered(ok, throttled: false);
            time.Advance(TimeSpan.FromMilliseconds(100));
            time.Advance(governor.Reserve(Kms, out var throttled));
            governor.Leave(throttled, abandoned: false);
            governor.Answered(throttled, throttled: true);
        }

        Assert.Equal(3, governor.Cuts);
        var line = Assert.Single(logger.Collector.GetSnapshot()).Message;
        Assert.Contains("kms in eu-west-1", line, StringComparison.Ordinal);
        Assert.Contains("MPLE", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Kms.Principal, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Kms.Principal, Kms.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Answered_ColdLaneWhoseFirstAnswerIsAThrottle_IsPacedAtTheRateItWasSendingAtNotTheFloor()
    {
        // 64 requests go out together into a lane never seen; the small throttle answer comes back before any
        // of the successful ones.
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);
        var burst = Enumerable.Range(0, 64).Select(_ => { governor.Reserve(Kms, out var t); return t; }).ToList();
        time.Advance(TimeSpan.FromMilliseconds(5));
        governor.Answered(burst[0], throttled: true);

        Assert.True(governor.RateOf(Kms) > 100, $"paced at {governor.RateOf(Kms)}/s");

        // The other 63 come back throttled too and are retried: their turns span well under a second.
        var waits = Enumerable.Range(0, 63).Select(n => governor.Reserve(Kms, out _)).ToList();
        Assert.True(waits.Max() < TimeSpan.FromSeconds(1), $"the last retry waits {waits.Max()}");
    }

    [Fact]
    public void Leave_AbandonedTurns_AreGivenBack()
    {
        var (time, governor, interval) = PacedAtAboutTenPerSecond();

        // 50 callers queue (the last for about five seconds), then all give up (cancelled, or timed out).
        var queued = Enumerable.Range(0, 50).Select(_ => { governor.Reserve(Kms, out var t); return t; }).ToList();
        Assert.All(queued, t => Assert.True(t.Queued));
        foreach (var ticket in queued)
        {
            governor.Leave(ticket, abandoned: true);
        }

        // A caller a moment later waits about one interval, not behind 50 turns nobody takes.
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(governor.Reserve(Kms, out _) <= interval, "the abandoned turns were kept");
    }

    [Fact]
    public async Task WaitTurnAsync_Cancelled_LeavesTheQueue()
    {
        var (time, governor, interval) = PacedAtAboutTenPerSecond();

        using var cancel = new CancellationTokenSource();
        var waiters = Enumerable.Range(0, 30).Select(_ => governor.WaitTurnAsync(Kms, cancel.Token).AsTask()).ToList();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        await cancel.CancelAsync();
        foreach (var waiter in waiters)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        }

        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(governor.Reserve(Kms, out _) <= interval, "cancelled waiters kept their turns");
    }

    [Fact]
    public async Task WaitTurnAsync_RateCutWhileWaiting_TakesANewTurnWithinARecheck()
    {
        var (time, governor, _) = PacedAtAboutTenPerSecond();

        // 40 turns are taken ahead of the waiter: it is due in about four seconds.
        var ahead = Enumerable.Range(0, 40).Select(_ => { governor.Reserve(Kms, out var t); return t; }).ToList();
        var waiter = governor.WaitTurnAsync(Kms, CancellationToken.None).AsTask();

        // Half a second later the first of them is throttled: the rate is cut and the old turns are void; the
        // waiter sees it at its next look and takes a turn at the new pace, long before its old turn.
        await AdvanceAsync(time, TimeSpan.FromMilliseconds(500));
        governor.Answered(ahead[0], throttled: true);
        Assert.Equal(2, governor.Cuts);
        var cutAt = time.GetUtcNow();
        await AdvanceAsync(time, TimeSpan.FromSeconds(2.5), until: () => waiter.IsCompleted);

        // Its old turn was about 3.5 s after the cut; the new one comes within a re-check and a few intervals
        // (the clock is moved at most 2.5 s, and no further while the test waits for the waiter to finish).
        var moved = time.GetUtcNow() - cutAt;
        var exception = await Record.ExceptionAsync(() => waiter.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(exception is null, $"the waiter still waits for its old turn {moved} after the cut");
        Assert.True(governor.StillValid(await waiter));
    }

    /// <summary>
    /// Ten requests a second for a second, then a throttle: the lane is paced at about 9/s. Returns the interval
    /// between its turns.
    /// </summary>
    /// <summary>A governor on a fake clock whose KMS lane paces at about 10/s, and that pace's interval.</summary>
    private static (FakeTimeProvider Time, AdaptiveRateGovernor Governor, TimeSpan Interval) PacedAtAboutTenPerSecond()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);
        return (time, governor, PaceAtAboutTenPerSecond(time, governor));
    }

    private static TimeSpan PaceAtAboutTenPerSecond(FakeTimeProvider time, AdaptiveRateGovernor governor)
    {
        for (var i = 0; i < 10; i++)
        {
            governor.Reserve(Kms, out _);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        governor.Reserve(Kms, out var throttled);
        governor.Answered(throttled, throttled: true);
        Assert.Equal(1, governor.Cuts);
        return TimeSpan.FromSeconds(1 / governor.RateOf(Kms)!.Value);
    }

    /// <summary>
    /// Moves the fake clock in 50 ms steps. The waiters' timers fire inside <c>Advance</c> and their continuations
    /// run there too (a delay's completion runs them synchronously), so no real time is needed between steps.
    /// </summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by, Func<bool>? until = null)
    {
        for (var step = TimeSpan.Zero; step < by && until?.Invoke() != true; step += TimeSpan.FromMilliseconds(50))
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Yield();
        }
    }

    [Fact]
    public void Reserve_LanesIdleForTenMinutes_AreForgotten()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time);
        var old = Kms with { Principal = "ASIAOLDSESSION" };
        governor.Reserve(old, out _);
        governor.Reserve(Kms, out _);

        time.Advance(TimeSpan.FromMinutes(6));
        governor.Reserve(Kms, out _);
        time.Advance(TimeSpan.FromMinutes(5));
        governor.Reserve(Kms with { Service = "s3" }, out _);

        // The old session's lane went unused for 11 minutes; the one used 5 minutes ago stays.
        var lanes = governor.Lanes();
        Assert.DoesNotContain(old, lanes.Keys);
        Assert.Contains(Kms, lanes.Keys);
    }

    [Fact]
    public void Disabled_NeverPaces()
    {
        var time = new FakeTimeProvider();
        var governor = new AdaptiveRateGovernor(time, enabled: false);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, governor.Reserve(Kms, out var ticket));
            governor.Answered(ticket, throttled: true);
        }

        Assert.Equal(0, governor.Cuts);
        Assert.Null(governor.RateOf(Kms));
    }

    /// <summary>
    /// 32 callers against a service that admits 50 requests/s (a token bucket with a burst of 10, as AWS and the
    /// emulated estate throttle), 20 ms per call, and the retry policy's exponential backoff with jitter on every
    /// throttle: a discrete-event simulation on a fake clock, so it is exact and repeatable.
    /// </summary>
    [Fact]
    public void Simulation_ThrottledService_IsDrivenAtTheRateItAdmitsWithFewThrottles()
    {
        var paced = Simulate(enabled: true);
        var unpaced = Simulate(enabled: false);

        Assert.True(paced.Admitted >= 0.95 * 50 * 60, $"admitted {paced.Admitted} in 60 s at 50/s");
        Assert.True(paced.Throttled < 0.05 * paced.Admitted, $"{paced.Throttled} throttled for {paced.Admitted} admitted");
        Assert.Equal(0, paced.GaveUp);

        // Without pacing, the same callers are throttled many times more (630 against 61 when written), and some
        // calls run out of their ten attempts: evidence that would be lost.
        Assert.True(unpaced.Throttled > 5 * paced.Throttled, $"unpaced {unpaced.Throttled} vs paced {paced.Throttled}");
        Assert.True(unpaced.GaveUp > 0, "without pacing no call ran out of attempts");
    }

    private static (int Admitted, int Throttled, int GaveUp) Simulate(bool enabled)
    {
        const double Rate = 50, Burst = 10;
        var latency = TimeSpan.FromMilliseconds(20);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var start = time.GetUtcNow();
        var governor = new AdaptiveRateGovernor(time, enabled);
        var random = new Random(7);
        var tokens = Burst;
        var refilled = start;
        bool Admit(DateTimeOffset at)
        {
            tokens = Math.Min(Burst, tokens + ((at - refilled).TotalSeconds * Rate));
            refilled = at;
            if (tokens < 1)
            {
                return false;
            }

            tokens--;
            return true;
        }

        // Each caller: (when it next acts, what it does then, its ticket, its attempt number).
        var callers = Enumerable.Range(0, 32).Select(_ => (At: start, State: 0, Ticket: default(RateTicket), Attempt: 1, Admitted: false)).ToArray();
        var (admitted, throttled, gaveUp) = (0, 0, 0);
        while (true)
        {
            var i = Enumerable.Range(0, callers.Length).MinBy(c => callers[c].At);
            var c = callers[i];
            if (c.At - start >= TimeSpan.FromSeconds(60))
            {
                break;
            }

            time.SetUtcNow(c.At);
            switch (c.State)
            {
                case 0: // wants to send: take a turn
                    var wait = governor.Reserve(Kms, out c.Ticket);
                    (c.At, c.State) = wait > TimeSpan.Zero ? (c.At + wait, 1) : (c.At, 2);
                    break;
                case 1: // waited for its turn
                    var valid = governor.StillValid(c.Ticket);
                    governor.Leave(c.Ticket, abandoned: !valid);
                    c.State = valid ? 2 : 0;
                    break;
                case 2: // sends; a throttle answers at once, an admitted request one latency later
                    c.Admitted = Admit(c.At);
                    (c.At, c.State) = (c.At + (c.Admitted ? latency : TimeSpan.FromMilliseconds(2)), 3);
                    break;
                case 3: // answered
                    governor.Answered(c.Ticket, throttled: !c.Admitted);
                    if (c.Admitted)
                    {
                        admitted++;
                        c.Attempt = 1;
                        c.State = 0;
                    }
                    else if (++throttled > 0 && c.Attempt == 10)
                    {
                        gaveUp++;
                        c.Attempt = 1;
                        c.State = 0;
                    }
                    else
                    {
                        // Exponential backoff with jitter from 250 ms, capped at 20 s (Aws:Retry's defaults).
                        var ceiling = Math.Min(20, 0.25 * Math.Pow(2, c.Attempt - 1));
                        c.At += TimeSpan.FromSeconds(random.NextDouble() * ceiling);
                        c.Attempt++;
                        c.State = 0;
                    }

                    break;
            }

            callers[i] = c;
        }

        return (admitted, throttled, gaveUp);
    }
}
