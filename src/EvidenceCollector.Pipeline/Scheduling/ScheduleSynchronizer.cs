using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace EvidenceCollector.Pipeline.Scheduling;

/// <summary>
/// Makes the persistent Quartz store match the configured schedules before the scheduler starts: a
/// schedule whose cron, time zone and misfire policy are unchanged keeps its stored trigger (so its next
/// fire time, and any fire missed while the worker was down, survive the restart); changed schedules are
/// replaced; removed ones are deleted.
/// </summary>
public sealed class ScheduleSynchronizer(ISchedulerFactory factory, IOptions<SchedulesOptions> options, IOptions<HostingOptions> hosting) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var configured = options.Value.Entries;
        foreach (var job in (await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(CollectionJob.Group) }, cancellationToken).ConfigureAwait(false)).Items)
        {
            if (!configured.ContainsKey(job.Key.Name))
            {
                await scheduler.DeleteJob(job.Key, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (name, schedule) in configured)
        {
            var jobKey = new JobKey(name, CollectionJob.Group);
            var triggerKey = new TriggerKey(name, CollectionJob.Group);
            var fingerprint = $"{schedule.Cron}|{schedule.TimeZone}|{schedule.Misfire}";
            var existing = await scheduler.GetTrigger(triggerKey, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.Description == fingerprint)
            {
                continue;
            }

            var job = JobBuilder.Create<CollectionJob>().WithIdentity(jobKey).StoreDurably().Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(triggerKey)
                .ForJob(jobKey)
                .WithDescription(fingerprint)
                .WithMisfireThreshold(hosting.Value.MisfireThreshold)
                .WithCronSchedule(schedule.Cron!, cron =>
                {
                    cron.InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));
                    cron.WithMisfireInstruction(schedule.MisfirePolicy switch
                    {
                        MisfirePolicy.Skip => CronTriggerMisfireInstruction.DoNothing,
                        MisfirePolicy.FireAll => CronTriggerMisfireInstruction.IgnoreMisfires,
                        _ => CronTriggerMisfireInstruction.FireAndProceed,
                    });
                })
                .Build();
            await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Records that the scheduler is alive, for `evidence health` and the container HEALTHCHECK.</summary>
public sealed class HeartbeatService(ISchedulerFactory factory, StoreHolder store, IOptions<HostingOptions> options, TimeProvider time) : BackgroundService
{
    public const string Name = "scheduler";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scheduler = await factory.GetScheduler(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            if (await scheduler.GetStatus(stoppingToken).ConfigureAwait(false) == SchedulerStatus.Running)
            {
                var running = (await scheduler.QueryFireInstances(new FireInstanceQuery { State = FireInstanceState.Executing }, stoppingToken).ConfigureAwait(false)).Items;
                store.Store.Beat(Name, running.Count == 0 ? "idle" : $"running {string.Join(",", running.Select(j => j.JobKey?.Name ?? j.FireInstanceId))}");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
