using EvidenceCollector.Collectors.Common;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceCollector.Collectors.Common.Tests;

public sealed class RetryPolicyTests
{
    private sealed class Transient : Exception;

    private sealed class Permanent : Exception;

    private sealed class Hinted(TimeSpan after) : Exception
    {
        public TimeSpan After { get; } = after;
    }

    [Fact]
    public async Task Create_TransientFailures_RetriedUpToMaxAttempts()
    {
        var pipeline = RetryPolicy.Create(new RetryOptions { MaxAttempts = 4, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, TimeProvider.System, e => e is Transient);
        var attempts = 0;

        await Assert.ThrowsAsync<Transient>(async () => await pipeline.ExecuteAsync(_ => { attempts++; throw new Transient(); }));

        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task Create_PermanentFailure_NotRetried()
    {
        var pipeline = RetryPolicy.Create(new RetryOptions { MaxAttempts = 4, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, TimeProvider.System, e => e is Transient);
        var attempts = 0;

        await Assert.ThrowsAsync<Permanent>(async () => await pipeline.ExecuteAsync(_ => { attempts++; throw new Permanent(); }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Create_OneAttempt_NoRetryStrategyAtAll()
    {
        var pipeline = RetryPolicy.Create(new RetryOptions { MaxAttempts = 1 }, TimeProvider.System, _ => true);
        var attempts = 0;

        await Assert.ThrowsAsync<Transient>(async () => await pipeline.ExecuteAsync(_ => { attempts++; throw new Transient(); }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Create_DelayHint_WaitsWhatTheServiceAskedCappedAtMaxDelay()
    {
        var time = new FakeTimeProvider();
        var options = new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromHours(1) };
        var pipeline = RetryPolicy.Create(options, time, e => e is Hinted, e => (e as Hinted)?.After);
        var starts = new List<DateTimeOffset>();

        var run = pipeline.ExecuteAsync(_ =>
        {
            starts.Add(time.GetUtcNow());
            return starts.Count < 3 ? throw new Hinted(starts.Count == 1 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(5)) : ValueTask.CompletedTask;
        }).AsTask();
        for (var i = 0; i < 20 && !run.IsCompleted; i++)
        {
            await Task.Delay(20);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await run;
        Assert.Equal(3, starts.Count);
        Assert.InRange((starts[1] - starts[0]).TotalSeconds, 5, 6);
        Assert.InRange((starts[2] - starts[1]).TotalSeconds, 10, 11);
    }

    [Fact]
    public void Problems_BadValues_NameTheProvidersKeys()
    {
        var problems = new RetryOptions { MaxAttempts = 0, BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1), TotalTimeout = TimeSpan.Zero, AttemptTimeout = TimeSpan.Zero }.Problems("Azure:Retry").ToList();

        Assert.Equal(["Azure:Retry:MaxAttempts", "Azure:Retry:MaxDelay", "Azure:Retry:TotalTimeout", "Azure:Retry:AttemptTimeout"], problems.Select(p => p[..p.IndexOf(':', "Azure:Retry:".Length)]));
    }
}
