using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace EvidenceCollector.Pipeline.Scheduling;

/// <summary>
/// On SIGTERM, lets a running run finish within <c>Host:ShutdownTimeout</c>; past that, interrupts it
/// (its cancellation token fires and the runner aborts the run with a reason). Registered after Quartz so
/// it stops first.
/// </summary>
public sealed class GracefulShutdownService(ISchedulerFactory factory, IOptions<HostingOptions> options, TimeProvider time) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken).ConfigureAwait(false);
        if (await scheduler.GetStatus(cancellationToken).ConfigureAwait(false) is not (SchedulerStatus.Running or SchedulerStatus.Standby))
        {
            return;
        }

        await scheduler.Standby(cancellationToken).ConfigureAwait(false);
        var deadline = time.GetUtcNow() + options.Value.ShutdownTimeout;
        while (true)
        {
            var running = (await scheduler.QueryFireInstances(new FireInstanceQuery { State = FireInstanceState.Executing }, cancellationToken).ConfigureAwait(false)).Items;
            if (running.Count == 0)
            {
                return;
            }

            if (time.GetUtcNow() >= deadline)
            {
                foreach (var job in running)
                {
                    await scheduler.InterruptFireInstance(job.FireInstanceId, cancellationToken).ConfigureAwait(false);
                }

                // Give the interrupted runs a moment to record their abort.
                var abortDeadline = time.GetUtcNow() + TimeSpan.FromSeconds(10);
                while (((await scheduler.QueryFireInstances(new FireInstanceQuery { State = FireInstanceState.Executing }, cancellationToken).ConfigureAwait(false)).Items).Count > 0 && time.GetUtcNow() < abortDeadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
