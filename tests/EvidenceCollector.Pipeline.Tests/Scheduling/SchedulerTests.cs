using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Scheduling;
using EvidenceCollector.Store;
using EvidenceCollector.TestHost;

namespace EvidenceCollector.Pipeline.Tests.Scheduling;

/// <summary>The worker's scheduler over a real SQLite job store: persistence across restarts, misfires, overlap, shutdown.</summary>
public sealed class SchedulerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ec-sched-").FullName;
    private readonly WidgetBehaviour _behaviour = new();
    private readonly RecordingObserver _observer = new();

    public SchedulerTests()
    {
        TestMappings.Write(Path.Combine(_root, "mappings"), TestMappings.RepositoryMappings());
        _behaviour.Widgets[("111111111111", "eu-west-1")] = new() { ["a"] = true };
    }

    private string Data => Path.Combine(_root, "data");

    [Fact]
    public async Task PersistedSchedule_SurvivesRestart_TriggerKept()
    {
        var settings = Settings(("Schedules:nightly:Cron", "0 0 3 * * ?"));
        DateTimeOffset start;
        DateTimeOffset? next;
        using (var host = await StartAsync(settings))
        {
            var trigger = await TriggerAsync(host, "nightly");
            (start, next) = (trigger.StartTimeUtc, trigger.NextFireTimeUtc);
            await host.StopAsync();
        }

        using (var host = await StartAsync(settings))
        {
            var trigger = await TriggerAsync(host, "nightly");
            Assert.Equal(start, trigger.StartTimeUtc);
            Assert.Equal(next, trigger.NextFireTimeUtc);
            Assert.Equal("0 0 3 * * ?", Assert.IsAssignableFrom<ICronTrigger>(trigger).CronExpressionString);
            await host.StopAsync();
        }

        using (var host = await StartAsync(Settings(("Schedules:nightly:Cron", "0 30 4 * * ?"))))
        {
            var trigger = await TriggerAsync(host, "nightly");
            Assert.Equal("0 30 4 * * ?", Assert.IsAssignableFrom<ICronTrigger>(trigger).CronExpressionString);
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("fire_once", 1)]
    [InlineData("skip", 0)]
    public async Task MissedFire_WhileDown_FollowsMisfirePolicy(string misfire, int expectedRuns)
    {
        var fireAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var settings = Settings(("Schedules:everyMinute:Cron", $"{fireAt.Second} * * * * ?"), ("Schedules:everyMinute:Misfire", misfire), ("Host:MisfireThreshold", "00:00:01"));
        using (var host = await StartAsync(settings))
        {
            await host.StopAsync();
        }

        Assert.Empty(_observer.Completed);
        await UntilAsync(() => DateTimeOffset.UtcNow > fireAt.AddSeconds(2), TimeSpan.FromSeconds(10));
        using (var host = await StartAsync(settings))
        {
            if (expectedRuns > 0)
            {
                await UntilAsync(() => _observer.Completed.Count >= expectedRuns, TimeSpan.FromSeconds(20));
            }

            // The next regular fire is a minute away: anything more within the next seconds is a second catch-up.
            var settle = DateTimeOffset.UtcNow.AddSeconds(3);
            await UntilAsync(() => DateTimeOffset.UtcNow > settle, TimeSpan.FromSeconds(10));
            await host.StopAsync();
        }

        Assert.Equal(expectedRuns, _observer.Completed.Count);
        using var store = EvidenceStore.OpenReadOnly(Data);
        Assert.Equal(expectedRuns, store.SealedRuns().Count(r => r.Trigger == RunTrigger.Scheduled && r.RequestedBy == "schedule:everyMinute"));
    }

    [Fact]
    public async Task OverlappingSchedules_FiringTogether_SecondRefused()
    {
        var fireAt = DateTimeOffset.UtcNow.AddSeconds(3);
        _behaviour.Gate = new TaskCompletionSource();
        var settings = Settings(("Schedules:a:Cron", $"{fireAt.Second} * * * * ?"), ("Schedules:b:Cron", $"{fireAt.Second} * * * * ?"));
        using var host = await StartAsync(settings);
        await UntilAsync(() => !_observer.Refused.IsEmpty, TimeSpan.FromSeconds(20));
        _behaviour.Gate.SetResult();
        await UntilAsync(() => !_observer.Completed.IsEmpty, TimeSpan.FromSeconds(20));
        await host.StopAsync();
        var refusal = Assert.Single(_observer.Refused);
        Assert.Contains("is in progress", refusal.Message);
        Assert.Single(_observer.Completed);
    }

    [Fact]
    public async Task Shutdown_RunPastTimeout_AbortedWithReason()
    {
        var fireAt = DateTimeOffset.UtcNow.AddSeconds(2);
        _behaviour.Gate = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        _behaviour.OnCollect = () => entered.TrySetResult();
        using var host = await StartAsync(Settings(("Schedules:s:Cron", $"{fireAt.Second} * * * * ?"), ("Host:ShutdownTimeout", "00:00:00.500")));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await host.StopAsync();
        await UntilAsync(() => !_observer.Completed.IsEmpty, TimeSpan.FromSeconds(10));
        var outcome = Assert.Single(_observer.Completed);
        Assert.Equal(RunStatus.Aborted, outcome.Status);
        using var store = EvidenceStore.OpenReadOnly(Data);
        var run = Assert.Single(store.Runs());
        Assert.Equal(RunStatus.Aborted, run.Status);
        Assert.Contains("cancelled", run.Reason);
    }

    [Fact]
    public async Task Heartbeat_WhileRunning_IsRecorded()
    {
        using var host = await StartAsync(Settings(("Host:HeartbeatInterval", "00:00:00.100"), ("Host:HeartbeatMaxAge", "00:00:05")));
        var store = (EvidenceStore)host.Services.GetRequiredService<StoreHolder>().Store;
        await UntilAsync(() => store.LastBeat(HeartbeatService.Name) is not null, TimeSpan.FromSeconds(10));
        Assert.True(DateTimeOffset.UtcNow - store.LastBeat(HeartbeatService.Name)!.Value < TimeSpan.FromSeconds(5));
        await host.StopAsync();
    }

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => (string?)v.Value);

    private async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var store = EvidenceStore.OpenOrCreate(Data);
        builder.Services.AddSingleton(new StoreHolder(store));
        TestPipeline.Register(builder.Services, builder.Configuration, _behaviour, Path.Combine(_root, "mappings"));
        builder.Services.AddSingleton<IRunObserver>(_observer);
        builder.Services.AddEvidenceScheduler(builder.Configuration, store.ConnectionString);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<ITrigger> TriggerAsync(IHost host, string name)
    {
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        return await scheduler.GetTrigger(new TriggerKey(name, CollectionJob.Group)) ?? throw new InvalidOperationException($"no trigger {name}");
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private sealed class RecordingObserver : IRunObserver
    {
        public ConcurrentQueue<RunOutcome> Completed { get; } = new();

        public ConcurrentQueue<RunRefusedException> Refused { get; } = new();

        void IRunObserver.Completed(string schedule, RunOutcome outcome) => Completed.Enqueue(outcome);

        void IRunObserver.Refused(string schedule, RunRefusedException refusal) => Refused.Enqueue(refusal);
    }
}
