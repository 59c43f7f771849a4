using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Pipeline.Scheduling;

/// <summary>
/// The one Quartz job: a thin adapter that runs the pipeline for the schedule named in its key. Runs of
/// overlapping scope are refused by the store (and logged); cancellation (shutdown) aborts the run cleanly.
/// </summary>
[DisallowConcurrentExecution]
public sealed class CollectionJob(
    PipelineRunner runner,
    StoreHolder store,
    IOptions<SchedulesOptions> schedules,
    IRunObserver observer,
    ILogger<CollectionJob> logger) : IJob
{
    public const string Group = "evidence";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.JobDetail.Key.Name;
        if (!schedules.Value.Entries.TryGetValue(name, out var schedule))
        {
            return;
        }

        var scope = schedule.Scope.ToScope();
        Log.ScheduleFired(logger, name, scope.ToString());
        try
        {
            var outcome = await runner.RunAsync(store.Store, new RunRequest(RunTrigger.Scheduled, $"schedule:{name}", scope), null, cancellationToken).ConfigureAwait(false);
            observer.Completed(name, outcome);
        }
        catch (RunRefusedException e)
        {
            Log.ScheduleRefused(logger, name, e.Message);
            observer.Refused(name, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ScheduleFailed(logger, e, name);
            throw new JobExecutionException(e);
        }
    }
}

/// <summary>Hooks for what scheduled runs did (tests and metrics).</summary>
public interface IRunObserver
{
    void Completed(string schedule, RunOutcome outcome);

    void Refused(string schedule, RunRefusedException refusal);
}

public sealed class NullRunObserver : IRunObserver
{
    public void Completed(string schedule, RunOutcome outcome)
    {
    }

    public void Refused(string schedule, RunRefusedException refusal)
    {
    }
}

/// <summary>The writer's store, opened once for the worker's lifetime (disposed with it when it is disposable).</summary>
public sealed class StoreHolder(IEvidenceWriter store) : IDisposable
{
    public IEvidenceWriter Store { get; } = store;

    public void Dispose() => (Store as IDisposable)?.Dispose();
}
