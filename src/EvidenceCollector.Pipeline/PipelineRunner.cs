using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.Store;

namespace EvidenceCollector.Pipeline;

/// <summary>What a writer asks for.</summary>
public sealed record RunRequest(RunTrigger Trigger, string RequestedBy, RunScope Scope);

/// <summary>Facts about this build and its configuration that every run records.</summary>
public sealed record RunEnvironment(string ToolVersion, string ConfigHash);

/// <summary>
/// How a run ended. Findings themselves are in the store (read them with <see cref="IEvidenceReadModel.Findings"/>):
/// a run over a large estate streams them there instead of holding them.
/// </summary>
public sealed record RunOutcome(
    string RunId,
    RunStatus Status,
    string? Reason,
    SealResult? Seal,
    IReadOnlyDictionary<FindingStatus, int> FindingCounts,
    IReadOnlyList<ControlResult> Controls,
    IReadOnlyList<TargetReport> Targets,
    IReadOnlyList<string> UnmappedRules)
{
    public int FindingCount(FindingStatus status) => FindingCounts.TryGetValue(status, out var n) ? n : 0;

    public int TotalFindings => FindingCounts.Values.Sum();
}

/// <summary>
/// plan → collect (bounded, resilient, cancellable) → redact + canonicalise → store → checks → findings →
/// mapping → control status → seal. A collector's errors become <c>error</c> findings for every check
/// that needed that evidence; nothing that failed is ever shown as a pass.
/// </summary>
public sealed class PipelineRunner
{
    public const string CollectorPipeline = "evidence-collector";

    private readonly IReadOnlyList<ITargetPlanner> _planners;
    private readonly IReadOnlyList<ICollector> _collectors;
    private readonly IReadOnlyList<ICheck> _checks;
    private readonly MappingTable _mapping;
    private readonly ResiliencePipelineProvider<string> _resilience;
    private readonly PipelineOptions _options;
    private readonly ISignerSource _signers;
    private readonly RunEnvironment _environment;
    private readonly TimeProvider _time;
    private readonly ILogger<PipelineRunner> _logger;
    private readonly ProviderRegistry _providers;
    private readonly CheckEvaluationContext _evaluationContext;
    private readonly IReadOnlyList<IRunHook> _hooks;

    public PipelineRunner(
        ProviderRegistry providers,
        IEnumerable<ITargetPlanner> planners,
        IEnumerable<ICollector> collectors,
        IEnumerable<ICheck> checks,
        MappingTable mapping,
        ResiliencePipelineProvider<string> resilience,
        IOptions<PipelineOptions> options,
        ISignerSource signers,
        RunEnvironment environment,
        TimeProvider time,
        ILogger<PipelineRunner> logger,
        IEnumerable<IRunHook>? hooks = null)
    {
        _hooks = hooks?.ToList() ?? [];
        _providers = providers;
        _planners = planners.ToList();
        _collectors = collectors.ToList();
        _checks = checks.ToList();
        _mapping = mapping;
        _resilience = resilience;
        _options = options.Value;
        _signers = signers;
        _environment = environment;
        _time = time;
        _logger = logger;
        _evaluationContext = new CheckEvaluationContext(providers, _collectors.Select(c => c.Descriptor).ToList(), mapping, logger);
    }

    public IReadOnlyList<ICheck> Checks => _checks;

    /// <summary>Runs the pipeline into <paramref name="store"/>. Throws <see cref="RunRefusedException"/> when a run of overlapping scope is in progress.</summary>
    public async Task<RunOutcome> RunAsync(IEvidenceWriter store, RunRequest request, IRunProgress? progress, CancellationToken cancellationToken)
    {
        progress ??= NullRunProgress.Instance;
        using var writer = store.BeginRun(new RunStart(request.Trigger, request.RequestedBy, request.Scope, _environment.ToolVersion, _environment.ConfigHash));
        using var hooks = new HookScope(_hooks.Select(h => h.RunStarting(writer.RunId)));
        Log.RunStarted(_logger, writer.RunId, request.Trigger.ToWire(), request.Scope.ToString());
        try
        {
            var outcome = await RunCoreAsync(store, writer, request, progress, cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            const string reason = "cancelled before sealing (shutdown or interrupt)";
            writer.Abort(reason);
            Log.RunAborted(_logger, writer.RunId, reason);
            return new RunOutcome(writer.RunId, RunStatus.Aborted, reason, null, new Dictionary<FindingStatus, int>(), [], writer.TargetReports, []);
        }
        catch (Exception e) when (e is not SigningException)
        {
            var reason = $"pipeline failure: {e.GetType().Name}: {e.Message}";
            writer.Abort(reason);
            Log.RunAborted(_logger, writer.RunId, reason);
            throw;
        }
        catch (SigningException e)
        {
            writer.Abort($"not sealed: {e.Message}");
            throw;
        }
    }

    private async Task<RunOutcome> RunCoreAsync(IEvidenceWriter store, IRunWriter writer, RunRequest request, IRunProgress progress, CancellationToken cancellationToken)
    {
        var scope = request.Scope;

        // 1. Plan.
        progress.Phase("planning");
        var plan = await new Planning(_providers, _planners, _logger).PlanAsync(scope, cancellationToken).ConfigureAwait(false);
        writer.AddTargets(plan.Reports);
        foreach (var (target, record) in plan.Records)
        {
            Store(writer, PendingEvidence.Of(target, record));
        }

        var ledger = new CollectionLedger();
        foreach (var (target, error) in plan.Errors)
        {
            ledger.AddError(target, error);
        }

        var tasks = plan.Tasks(_collectors, scope);
        progress.Planned(writer.RunId, plan.Planned.Count, tasks.Count);
        progress.Phase("collecting");

        // 2. Collect, and 3 (overlapping 2) judge each group of checks over an account as soon as the collectors
        // feeding it are done: the CPU work of checking and of writing findings runs while other collectors still
        // wait on the network.
        var checks = ChecksInScope(scope);
        var controls = new ControlStatusStage(_mapping);
        void Sink(IReadOnlyList<Finding> findings)
        {
            writer.AddFindings(findings);
            controls.Add(findings);
        }

        var evaluator = new GroupEvaluator(_evaluationContext, store, writer, plan.Planned, ledger);
        await using var storage = new EvidenceWriter(item => Store(writer, item), _options.StorageWriters);
        using var groups = new CheckGroupScheduler(CheckGroup.Of(checks), tasks, storage, (account, group) => evaluator.Evaluate(account, group, Sink), OverlapEvaluationBytes, cancellationToken);
        var collection = new CollectionScheduler(_options, _resilience.GetPipeline(CollectorPipeline), _logger);
        try
        {
            await collection.RunAsync(tasks, storage, ledger, progress, groups.TaskFinished, cancellationToken).ConfigureAwait(false);
            await storage.CompleteAsync().ConfigureAwait(false);
        }
        catch
        {
            // Collection or storage failed: the run stops here; so does the evaluation of finished accounts.
            await groups.StopAsync().ConfigureAwait(false);
            throw;
        }

        var errors = ledger.Errors;
        foreach (var errorTarget in errors.Select(e => e.Target).Distinct())
        {
            var detail = string.Join("; ", errors.Where(e => e.Target == errorTarget).Select(e => $"{e.Error.Code}: {e.Error.Message}").Distinct().Take(3));
            writer.AddTargets([new TargetReport(errorTarget, TargetOutcome.Errored, detail)]);
        }

        cancellationToken.ThrowIfCancellationRequested();
        progress.Phase("evaluating");

        // Groups no collector fed (an unreachable account, one known only from a planning error, kinds no
        // collector in scope produces) last.
        // Accounts with something evaluated, or known from an error: an account the planner skipped whole (a disabled
        // subscription) is listed as skipped, never judged (its empty evidence would read as passes).
        var accounts = plan.Planned.Where(t => t.Outcome == TargetOutcome.Evaluated).Select(t => (t.Target.Provider, t.Target.Account))
            .Concat(errors.Select(e => (e.Target.Provider, e.Target.Account)))
            .Distinct().OrderBy(a => a.Provider).ThenBy(a => a.Account, StringComparer.Ordinal).ToList();
        await groups.CompleteAsync(accounts).ConfigureAwait(false);

        // 4. Control status.
        var results = controls.Results(checks);

        // 5. Seal.
        cancellationToken.ThrowIfCancellationRequested();
        progress.Phase("sealing");
        var seal = new Sealing(_signers, _logger).Seal(store, writer, results);
        return new RunOutcome(writer.RunId, RunStatus.Sealed, null, seal, controls.Counts, results, writer.TargetReports, controls.UnmappedRules);
    }

    private void Store(IRunWriter writer, PendingEvidence item)
    {
        var (target, record) = (item.Target, item.Record);
        var p = record.Provenance;
        writer.AddEvidence(item.Canonical, h => new Envelope(
            writer.RunId, target.Provider, target.Account, target.Region, record.Region, record.Kind, record.ResourceId, h,
            p.Service, p.Operations, p.Endpoint, p.RequestId, p.AnsweredAt, _environment.ToolVersion));
    }

    private List<ICheck> ChecksInScope(RunScope scope)
    {
        return _checks.Where(c =>
            scope.IncludesProvider(c.Metadata.Provider) &&
            (scope.Checks.Count == 0 || scope.Checks.Any(id => string.Equals(id, c.Metadata.Id, StringComparison.OrdinalIgnoreCase) || c.Metadata.Id.StartsWith(id + ".", StringComparison.OrdinalIgnoreCase) || (c.Metadata.DynamicMapping is not null && id.StartsWith(c.Metadata.Id, StringComparison.OrdinalIgnoreCase)))) &&
            (scope.Controls.Count == 0 || MapsTo(c.Metadata, scope.Controls)) &&
            (scope.Collectors.Count == 0 || c.Metadata.EvidenceKinds.Any(k => _collectors.Any(col => col.Descriptor.Kinds.Contains(k) && scope.IncludesCollector(col.Descriptor.Name))))).ToList();
    }

    private bool MapsTo(CheckMetadata check, IReadOnlyList<string> controls)
    {
        var mapped = check.DynamicMapping is { } table && _mapping.RuleTables.TryGetValue(table, out var rows)
            ? rows.Select(r => r.ControlId)
            : _mapping.ControlsForCheck(check.Id);
        return mapped.Any(c => controls.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A check group whose evidence (canonical bytes, one account) exceeds this is evaluated after collection.</summary>
    private const long OverlapEvaluationBytes = 8L * 1024 * 1024;

    private sealed class HookScope(IEnumerable<IDisposable?> started) : IDisposable
    {
        private readonly List<IDisposable?> _started = [.. started];

        public void Dispose()
        {
            foreach (var scope in _started)
            {
                scope?.Dispose();
            }
        }
    }
}

/// <summary>
/// Something the host does for as long as a run goes (e.g. trimming the process's native heap): the pipeline
/// library itself does no process-level tuning.
/// </summary>
public interface IRunHook
{
    /// <summary>Called when a run begins; the returned scope (if any) is disposed when the run ends.</summary>
    IDisposable? RunStarting(string runId);
}
