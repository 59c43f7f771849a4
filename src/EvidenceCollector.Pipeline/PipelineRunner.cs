using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Timeout;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;
using EvidenceCollector.Redaction;
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
        var errors = new ConcurrentBag<(Target Target, CollectionError Error)>();
        var covered = new ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool>();

        // 1. Plan.
        progress.Phase("planning");
        var planned = new List<PlannedTarget>();
        // A provider that is not configured is skipped and listed as such (asking for it by name is refused
        // before a run begins, by the caller).
        foreach (var module in _providers.Modules.Where(m => scope.IncludesProvider(m.Provider) && !_providers.IsConfigured(m.Provider)).OrderBy(m => m.Provider))
        {
            writer.AddTargets([new TargetReport(new Target(module.Provider, "*", Target.Global), TargetOutcome.Skipped, $"not configured: {_providers.WhyNot(module.Provider)}")]);
        }

        foreach (var planner in _planners.Where(p => scope.IncludesProvider(p.Provider) && _providers.IsConfigured(p.Provider)))
        {
            TargetPlan plan;
            try
            {
                plan = await planner.PlanAsync(scope, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.PlannerFailed(_logger, planner.Provider.ToWire(), e.Message);
                var target = new Target(planner.Provider, "unresolved", Target.Global);
                writer.AddTargets([new TargetReport(target, TargetOutcome.Errored, $"planning failed: {e.Message}")]);
                errors.Add((target, new CollectionError(["*"], Target.Global, null, e.GetType().Name, e.Message, "plan")));
                continue;
            }

            foreach (var (target, record) in plan.Records)
            {
                Store(writer, PendingEvidence.Of(target, record));
            }

            foreach (var (target, error) in plan.Errors)
            {
                errors.Add((target, error));
            }

            foreach (var target in plan.Targets.Where(t => scope.IncludesAccount(t.Target.Account) && scope.IncludesRegion(t.Target.Region)))
            {
                writer.AddTargets([new TargetReport(target.Target, target.Outcome, target.Detail)]);
                planned.Add(target);

                // A target the planner could not reach is evidence of a gap: every check that would have
                // read it gets an error finding, so the account never silently drops out of the controls.
                if (target.Outcome == TargetOutcome.Errored && !plan.Errors.Any(e => e.Target == target.Target))
                {
                    errors.Add((target.Target, new CollectionError(["*"], target.Target.Region, null, "TargetUnreachable", target.Detail ?? "the target could not be reached", "plan")));
                }
            }
        }

        // 2. Collect.
        var tasks = new List<(ICollector Collector, PlannedTarget Target)>();
        foreach (var target in planned.Where(t => t.Outcome == TargetOutcome.Evaluated))
        {
            foreach (var collector in _collectors)
            {
                var d = collector.Descriptor;
                if (d.Provider == target.Target.Provider && d.Global == target.Target.IsGlobal && scope.IncludesCollector(d.Name))
                {
                    tasks.Add((collector, target));
                }
            }
        }

        progress.Planned(writer.RunId, planned.Count, tasks.Count);
        progress.Phase("collecting");

        // 3 (overlapping 2). Checks → findings → mapping, per account and per group of checks that read the same
        // evidence kinds, as soon as every collector of the account that produces those kinds has finished and
        // their records are stored: the CPU work of checking and of writing findings runs while other
        // collectors still wait on the network.
        var checks = ChecksInScope(scope);
        var groups = checks.GroupBy(c => (c.Metadata.Provider, Key: string.Join('|', c.Metadata.EvidenceKinds.Order(StringComparer.Ordinal))))
            .OrderBy(g => g.Key.Provider).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new CheckGroup(g.Key.Provider, g.First().Metadata.EvidenceKinds.ToHashSet(StringComparer.Ordinal), [.. g]))
            .ToList();
        var tally = new ControlTally();
        var unmappedRules = new SortedSet<string>(StringComparer.Ordinal);
        void Sink(IReadOnlyList<Finding> findings)
        {
            // Findings go to the store as each group is evaluated; only counts stay in memory.
            writer.AddFindings(findings);
            foreach (var finding in findings)
            {
                tally.Add(finding);
                if (finding.MappingKey is not null && finding.Controls.Count == 0)
                {
                    unmappedRules.Add(finding.CheckId);
                }
            }
        }

        using var global = new SemaphoreSlim(_options.MaxConcurrency);
        await using var storage = new EvidenceWriter(item => Store(writer, item), _options.StorageWriters);
        List<CheckGroup> Fed(ICollector collector, Target target) =>
            groups.Where(g => g.Provider == target.Provider && g.Kinds.Overlaps(collector.Descriptor.Kinds)).ToList();
        var remaining = new ConcurrentDictionary<(string Account, CheckGroup Group), int>();
        foreach (var task in tasks)
        {
            foreach (var group in Fed(task.Collector, task.Target.Target))
            {
                remaining.AddOrUpdate((task.Target.Target.Account, group), 1, (_, n) => n + 1);
            }
        }

        var ready = System.Threading.Channels.Channel.CreateUnbounded<(string Account, CheckGroup Group)>();
        var evaluated = new HashSet<(string, CheckGroup)>();
        using var stopEvaluation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var collecting = 1;
        var evaluation = Task.Run(async () =>
        {
            // A group whose evidence is large waits for the end of collection, so the memory of checking it is
            // never added to the memory of collecting.
            var deferred = new List<(string Account, CheckGroup Group)>();
            await foreach (var (account, group) in ready.Reader.ReadAllAsync(stopEvaluation.Token).ConfigureAwait(false))
            {
                // The collectors feeding the group are done; their last records may still be on the storage threads.
                await storage.WhenStoredAsync(group.Provider, account, group.Kinds, stopEvaluation.Token).ConfigureAwait(false);

                if (Volatile.Read(ref collecting) == 1 && storage.StoredBytes(group.Provider, account, group.Kinds) > OverlapEvaluationBytes)
                {
                    deferred.Add((account, group));
                    continue;
                }

                writer.FlushEnvelopes();
                EvaluateGroup(store, writer, group, planned, [.. errors], covered, Sink, account);
                evaluated.Add((account, group));
            }

            foreach (var (account, group) in deferred)
            {
                writer.FlushEnvelopes();
                EvaluateGroup(store, writer, group, planned, [.. errors], covered, Sink, account);
                evaluated.Add((account, group));
            }
        }, stopEvaluation.Token);

        var limiters = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.OrdinalIgnoreCase);
        var pipeline = _resilience.GetPipeline(CollectorPipeline);
        try
        {
            await Task.WhenAll(tasks.Select(async task =>
            {
                var d = task.Collector.Descriptor;
                var limiter = LimiterFor(limiters, d);
                await global.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await CollectOneAsync(storage, task.Collector, task.Target, pipeline, errors, covered, progress, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        limiter.Release();
                    }
                }
                finally
                {
                    global.Release();
                }

                foreach (var group in Fed(task.Collector, task.Target.Target))
                {
                    var key = (task.Target.Target.Account, group);
                    if (remaining.AddOrUpdate(key, 0, (_, n) => n - 1) == 0)
                    {
                        ready.Writer.TryWrite(key);
                    }
                }
            })).ConfigureAwait(false);
            await storage.CompleteAsync().ConfigureAwait(false);
        }
        catch
        {
            // Collection or storage failed: the run stops here; so does the evaluation of finished accounts.
            ready.Writer.TryComplete();
            await stopEvaluation.CancelAsync().ConfigureAwait(false);
            await evaluation.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        foreach (var errorTarget in errors.Select(e => e.Target).Distinct())
        {
            var detail = string.Join("; ", errors.Where(e => e.Target == errorTarget).Select(e => $"{e.Error.Code}: {e.Error.Message}").Distinct().Take(3));
            writer.AddTargets([new TargetReport(errorTarget, TargetOutcome.Errored, detail)]);
        }

        Volatile.Write(ref collecting, 0);
        cancellationToken.ThrowIfCancellationRequested();
        progress.Phase("evaluating");

        // Groups no collector fed (an unreachable account, one known only from a planning error, kinds no
        // collector in scope produces) last.
        var accounts = planned.Select(t => (t.Target.Provider, t.Target.Account))
            .Concat(errors.Select(e => (e.Target.Provider, e.Target.Account)))
            .Distinct().OrderBy(a => a.Provider).ThenBy(a => a.Account, StringComparer.Ordinal).ToList();
        var work = accounts.SelectMany(a => groups.Where(g => g.Provider == a.Provider).Select(g => (a.Account, Group: g))).ToList();
        foreach (var item in work.Where(w => !remaining.ContainsKey(w)))
        {
            ready.Writer.TryWrite(item);
        }

        ready.Writer.TryComplete();
        await evaluation.ConfigureAwait(false);
        if (evaluated.Count != work.Count)
        {
            throw new InvalidOperationException($"{work.Count - evaluated.Count} of {work.Count} check groups were not evaluated");
        }

        // 4. Control status.
        var checksByControl = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var check in checks.Where(c => c.Metadata.DynamicMapping is null))
        {
            foreach (var control in _mapping.ControlsForCheck(check.Metadata.Id))
            {
                if (!checksByControl.TryGetValue(control, out var set))
                {
                    checksByControl[control] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                ((HashSet<string>)set).Add(check.Metadata.Id);
            }
        }

        var controls = tally.Results(_mapping.Controls, checksByControl);

        // 5. Seal.
        cancellationToken.ThrowIfCancellationRequested();
        progress.Phase("sealing");
        var (signer, previous) = _signers.Resolve(store);
        var seal = writer.Seal(controls, signer, previous);
        Log.RunSealed(_logger, writer.RunId, seal.Sequence, seal.Findings, seal.Evidence, seal.ManifestHash);
        var counts = Enum.GetValues<FindingStatus>().ToDictionary(s => s, tally.Count);
        return new RunOutcome(writer.RunId, RunStatus.Sealed, null, seal, counts, controls, writer.TargetReports, [.. unmappedRules]);
    }

    /// <summary>The limiter of a collector: its service's limit when configured, else its provider's, else the global one.</summary>
    private SemaphoreSlim LimiterFor(ConcurrentDictionary<string, SemaphoreSlim> limiters, CollectorDescriptor d)
    {
        var provider = d.Provider.ToWire();
        var serviceKey = $"{provider}.{d.Service}";
        var limits = _options.ServiceConcurrency;
        var (key, limit) = limits.TryGetValue(serviceKey, out var s) ? (serviceKey, s)
            : limits.TryGetValue(provider, out var p) ? (provider, p)
            : (serviceKey, _options.MaxConcurrency);
        return limiters.GetOrAdd(key, _ => new SemaphoreSlim(limit));
    }

    private async Task CollectOneAsync(
        EvidenceWriter storage,
        ICollector collector,
        PlannedTarget target,
        ResiliencePipeline pipeline,
        ConcurrentBag<(Target, CollectionError)> errors,
        ConcurrentDictionary<(Provider, string, string, string), bool> covered,
        IRunProgress progress,
        CancellationToken cancellationToken)
    {
        var d = collector.Descriptor;
        CollectionResult result;
        var emitted = 0;
        try
        {
            var context = new CollectionContext(target.Target, target.Session)
            {
                // Records stream to the storage threads as the collector produces them.
                Emit = record =>
                {
                    // Check groups start as soon as the collectors declaring their kinds finish: a record of a
                    // kind its collector does not declare could arrive after its group was judged.
                    if (!d.Kinds.Contains(record.Kind))
                    {
                        throw new InvalidOperationException($"collector {d.Name} produced a record of kind {record.Kind}, which it does not declare");
                    }

                    Interlocked.Increment(ref emitted);
                    storage.Write(target.Target, record);
                },
                WaitForRoom = storage.WaitForRoomAsync,
            };
            // Task.Run: a collector that blocks before its first await must not serialise the others.
            result = await pipeline.ExecuteAsync(async ct => await Task.Run(() => collector.CollectAsync(context, ct), ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var code = e is TimeoutRejectedException ? "Timeout" : e.GetType().Name;
            var message = e is TimeoutRejectedException ? $"collector {d.Name} did not finish within {_options.CollectorTimeout}" : e.Message;
            Log.CollectionError(_logger, d.Name, target.Target.ToString(), code, message);
            errors.Add((target.Target, new CollectionError(d.Kinds, target.Target.Region, null, code, message, null)));
            progress.CollectorFinished(d.Name, target.Target, 0, 1);
            return;
        }

        // A collector that kept its records (it did not stream) hands them over now.
        foreach (var record in result.Records)
        {
            if (!d.Kinds.Contains(record.Kind))
            {
                result.Errors.Add(UndeclaredKind(d, target.Target, $"a record of kind {record.Kind}"));
                continue;
            }

            emitted++;
            await storage.WriteAsync(target.Target, record, cancellationToken).ConfigureAwait(false);
        }

        foreach (var region in result.RegionsCovered.Append(target.Target.Region))
        {
            foreach (var kind in d.Kinds)
            {
                covered[(target.Target.Provider, target.Target.Account, target.Target.IsGlobal ? Target.Global : region, kind)] = true;
            }
        }

        foreach (var error in result.Errors.ToList())
        {
            Log.CollectionError(_logger, d.Name, target.Target.ToString(), error.Code, error.Message);
            errors.Add((target.Target, error));
            if (!error.Kinds.All(d.Kinds.Contains))
            {
                // Checks of undeclared kinds may already be judged; the collector's own checks at least are not passes.
                errors.Add((target.Target, UndeclaredKind(d, target.Target, $"an error about kinds {string.Join(", ", error.Kinds)}")));
            }
        }

        progress.CollectorFinished(d.Name, target.Target, emitted, result.Errors.Count);
    }

    private static CollectionError UndeclaredKind(CollectorDescriptor d, Target target, string what) =>
        new(d.Kinds, target.Region, null, "UndeclaredKind", $"collector {d.Name} reported {what}, which it does not declare (a collector bug): its evidence is incomplete", null);

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

    /// <summary>
    /// One group of checks (they read the same evidence kinds) over one account: loads those payloads from the
    /// store (what was stored is what is judged), evaluates, hands the findings to <paramref name="sink"/>
    /// and lets the payloads go. Checks that judge item by item (<see cref="CheckMetadata.ItemByItem"/>) see the
    /// payloads in batches of about <see cref="ItemBatchBytes"/>, so memory follows a batch, not the size of
    /// the account; the others see all of the account's payloads of their kinds at once.
    /// </summary>
    private void EvaluateGroup(
        IEvidenceWriter store,
        IRunWriter writer,
        CheckGroup group,
        List<PlannedTarget> planned,
        List<(Target Target, CollectionError Error)> errors,
        ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool> covered,
        Action<IReadOnlyList<Finding>> sink,
        string account)
    {
        var provider = group.Provider;
        var accountErrors = errors.Where(e => e.Target.Provider == provider && e.Target.Account == account).ToList();
        var stored = writer.Evidence(account, group.Kinds);
        var evaluations = group.Checks.Select(check => new CheckEvaluation(_evaluationContext, writer.RunId, check, provider, account, accountErrors, planned, covered)).ToList();

        // Handed on in batches, in the order they are produced: a large account's group (thousands of
        // resources × its checks) never holds all its findings at once.
        var findings = new List<Finding>(FindingBatch);
        void Emit(IEnumerable<Finding> produced)
        {
            foreach (var finding in produced)
            {
                findings.Add(finding);
                if (findings.Count == FindingBatch)
                {
                    sink(findings);
                    findings = new List<Finding>(FindingBatch);
                }
            }
        }

        var whole = evaluations.Where(e => !e.ItemByItem).ToList();
        if (whole.Count > 0)
        {
            using var all = new LoadedEvidence(store, account);
            foreach (var item in stored)
            {
                all.Load(item);
            }

            all.JudgeBy(whole, Emit);
        }

        var byItem = evaluations.Where(e => e.ItemByItem).ToList();
        if (byItem.Count > 0)
        {
            var batch = new LoadedEvidence(store, account);
            try
            {
                var judged = false;
                foreach (var item in stored)
                {
                    batch.Load(item);
                    if (batch.Bytes >= ItemBatchBytes || batch.Items.Count >= ItemBatchCount)
                    {
                        batch.JudgeBy(byItem, Emit);
                        batch.Dispose();
                        batch = new LoadedEvidence(store, account);
                        judged = true;
                    }
                }

                // Judged at least once, empty or not: a check may conclude from the absence of items.
                if (batch.Items.Count > 0 || !judged)
                {
                    batch.JudgeBy(byItem, Emit);
                }
            }
            finally
            {
                batch.Dispose();
            }
        }

        foreach (var evaluation in evaluations)
        {
            Emit(evaluation.Complete());
        }

        sink(findings);
    }

    /// <summary>Payloads read back from the store and parsed, for as long as they are judged.</summary>
    private sealed class LoadedEvidence(IEvidenceWriter store, string account) : IDisposable
    {
        private readonly List<JsonDocument> _documents = [];

        public List<EvidenceItem> Items { get; } = [];

        /// <summary>The canonical bytes loaded so far.</summary>
        public long Bytes { get; private set; }

        public void Load(StoredEvidence stored)
        {
            var bytes = store.ReadEvidence(stored.Hash);
            var document = JsonDocument.Parse(bytes);
            JsonElement payload;
            if (bytes.Length >= LargePayloadBytes)
            {
                // A parsed document rents its index from the shared array pool, which keeps what it is given
                // back: a large payload's index is copied out and returned at once, so a group of large
                // payloads does not leave the pool holding one each.
                payload = document.RootElement.Clone();
                document.Dispose();
            }
            else
            {
                _documents.Add(document);
                payload = document.RootElement;
            }

            Items.Add(new EvidenceItem(stored.Kind, account, stored.Region, stored.ResourceId, stored.Hash, payload));
            Bytes += bytes.Length;
        }

        public void JudgeBy(List<CheckEvaluation> evaluations, Action<IEnumerable<Finding>> emit)
        {
            foreach (var evaluation in evaluations)
            {
                emit(evaluation.Judge(Items));
            }
        }

        public void Dispose()
        {
            foreach (var document in _documents)
            {
                document.Dispose();
            }

            _documents.Clear();
            Items.Clear();
        }
    }

    /// <summary>Checks that read the same evidence kinds (compared by reference: one instance per group per run).</summary>
    private sealed class CheckGroup(Provider provider, HashSet<string> kinds, List<ICheck> checks)
    {
        public Provider Provider { get; } = provider;
        public HashSet<string> Kinds { get; } = kinds;
        public List<ICheck> Checks { get; } = checks;
    }

    /// <summary>A check group whose evidence (canonical bytes, one account) exceeds this is evaluated after collection.</summary>
    private const long OverlapEvaluationBytes = 8L * 1024 * 1024;

    /// <summary>Findings are handed to the store in batches of this size (see <see cref="EvaluateGroup"/>).</summary>
    private const int FindingBatch = 2048;

    /// <summary>
    /// Item-by-item checks are fed batches that close once they hold this many payload bytes (parsed, a batch
    /// takes two to three times that: a 100 k-resource estate's Config rules, ~190 kB each, held 8–10 MiB of
    /// the live heap in batches of 4 MiB) ...
    /// </summary>
    private const long ItemBatchBytes = 1L * 1024 * 1024;

    /// <summary>... and at most this many items.</summary>
    private const int ItemBatchCount = 256;

    /// <summary>Payloads from this size on are judged from a copy of their parsed form (see <see cref="EvaluateGroup"/>).</summary>
    private const int LargePayloadBytes = 64 * 1024;

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
