using Microsoft.Extensions.Logging;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;
using EvidenceCollector.Store;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>A collector on one planned target: one unit of collection work.</summary>
public sealed record CollectionTask(ICollector Collector, PlannedTarget Target);

/// <summary>
/// What planning decided: the target reports to record (in order), the targets in scope, the planners' own
/// records (each with its target), and the errors that are evidence of a gap (a planner that failed, a target it
/// could not reach).
/// </summary>
public sealed record PlanningResult(
    IReadOnlyList<TargetReport> Reports,
    IReadOnlyList<PlannedTarget> Planned,
    IReadOnlyList<PlannedRecord> Records,
    IReadOnlyList<(Target Target, CollectionError Error)> Errors)
{
    /// <summary>Every collector that runs on an evaluated target in scope (global collectors on the account, regional ones per region).</summary>
    public IReadOnlyList<CollectionTask> Tasks(IEnumerable<ICollector> collectors, RunScope scope)
    {
        var all = collectors.ToList();
        var tasks = new List<CollectionTask>();
        foreach (var target in Planned.Where(t => t.Outcome == TargetOutcome.Evaluated))
        {
            foreach (var collector in all)
            {
                var d = collector.Descriptor;
                if (d.Provider == target.Target.Provider && d.Global == target.Target.IsGlobal && scope.IncludesCollector(d.Name))
                {
                    tasks.Add(new CollectionTask(collector, target));
                }
            }
        }

        return tasks;
    }
}

/// <summary>
/// The planning stage: asks each configured provider's planner for its targets in scope. A provider that is not
/// configured is listed as skipped with what to configure; a planner that throws leaves an errored
/// <c>unresolved</c> target and an error covering every kind; a target the planner could not reach is an error
/// for every check that would have read it, so an account never silently drops out of the controls.
/// </summary>
public sealed class Planning(ProviderRegistry providers, IEnumerable<ITargetPlanner> planners, ILogger logger)
{
    private readonly IReadOnlyList<ITargetPlanner> _planners = [.. planners];

    public async Task<PlanningResult> PlanAsync(RunScope scope, CancellationToken cancellationToken)
    {
        var reports = new List<TargetReport>();
        var planned = new List<PlannedTarget>();
        var records = new List<PlannedRecord>();
        var errors = new List<(Target Target, CollectionError Error)>();

        // Asking for a provider that is not configured by name is refused before a run begins, by the caller.
        foreach (var module in providers.Modules.Where(m => scope.IncludesProvider(m.Provider) && !providers.IsConfigured(m.Provider)).OrderBy(m => m.Provider))
        {
            reports.Add(new TargetReport(new Target(module.Provider, "*", Target.Global), TargetOutcome.Skipped, $"not configured: {providers.WhyNot(module.Provider)}"));
        }

        foreach (var planner in _planners.Where(p => scope.IncludesProvider(p.Provider) && providers.IsConfigured(p.Provider)))
        {
            TargetPlan plan;
            try
            {
                plan = await planner.PlanAsync(scope, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.PlannerFailed(logger, planner.Provider.ToWire(), e.Message);
                var target = new Target(planner.Provider, "unresolved", Target.Global);
                reports.Add(new TargetReport(target, TargetOutcome.Errored, $"planning failed: {e.Message}"));
                errors.Add((target, new CollectionError(["*"], Target.Global, null, e.GetType().Name, e.Message, "plan")));
                continue;
            }

            records.AddRange(plan.Records);
            errors.AddRange(plan.Errors);
            foreach (var target in plan.Targets.Where(t => scope.IncludesAccount(t.Target.Account) && scope.IncludesRegion(t.Target.Region)))
            {
                reports.Add(new TargetReport(target.Target, target.Outcome, target.Detail));
                planned.Add(target);
                if (target.Outcome == TargetOutcome.Errored && !plan.Errors.Any(e => e.Target == target.Target))
                {
                    errors.Add((target.Target, new CollectionError(["*"], target.Target.Region, null, "TargetUnreachable", target.Detail ?? "the target could not be reached", "plan")));
                }
            }
        }

        return new PlanningResult(reports, planned, records, errors);
    }
}
