using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Providers;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence collect`: one on-demand run, scoped by flags, with live progress.</summary>
public static class CollectCommand
{
    public static readonly Option<string[]> Provider = Multi("--provider", "Only these providers (aws, azure)");
    public static readonly Option<string[]> Collector = Multi("--collector", "Only these collectors (e.g. aws.iam or iam)");
    public static readonly Option<string[]> Account = Multi("--account", "Only these accounts / subscriptions");
    public static readonly Option<string[]> Region = Multi("--region", "Only these regions");
    public static readonly Option<string[]> Check = Multi("--check", "Only these checks (id, or an id prefix such as aws.s3)");
    public static readonly Option<string[]> Control = Multi("--control", "Only checks that give evidence for these controls (e.g. A.8.24)");
    public static readonly Option<string?> FailOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a finding is 'fail' (fail) or 'fail' or 'error' (error)", HelpName = "fail|error" }.AcceptOnlyFromAmong("fail", "error");
    public static readonly Option<bool> Json = new("--json") { Description = "Print the run summary as one JSON document on stdout" };

    public static Command Build()
    {
        var command = new Command("collect", "Collect evidence now (on demand), evaluate, map and seal one run");
        foreach (var option in new Option[] { Provider, Collector, Account, Region, Check, Control, FailOn, Json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, ct) =>
        {
            var scope = ScopeFrom(result);
            using var app = App.Create(EvidenceCli.Globals(result));
            return await ExecuteAsync(app, scope, RunTrigger.OnDemand, Environment.UserName, result.GetValue(FailOn), result.GetValue(Json), ct).ConfigureAwait(false);
        });
        return command;
    }

    public static RunScope ScopeFrom(ParseResult result)
    {
        var providers = Split(result.GetValue(Provider));
        foreach (var p in providers)
        {
            if (!WireText.TryParse<Model.Provider>(p, out _))
            {
                throw new UserError($"--provider: unknown provider '{p}' (aws, azure)");
            }
        }

        foreach (var c in Split(result.GetValue(Control)))
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(c, @"^A\.[5-8]\.[0-9]{1,2}$"))
            {
                throw new UserError($"--control: '{c}' is not an Annex A control id (written like A.8.24)");
            }
        }

        return new RunScope
        {
            Providers = providers,
            Collectors = Split(result.GetValue(Collector)),
            Accounts = Split(result.GetValue(Account)),
            Regions = Split(result.GetValue(Region)),
            Checks = Split(result.GetValue(Check)),
            Controls = Split(result.GetValue(Control)),
        };
    }

    /// <summary>Runs the pipeline into the app's store and reports; shared by `collect` and `demo`.</summary>
    public static async Task<int> ExecuteAsync(App app, RunScope scope, RunTrigger trigger, string requestedBy, string? failOn, bool json, CancellationToken ct, Action<RunOutcome, EvidenceStore>? after = null)
    {
        var mapping = app.Mapping;
        var unknownControls = scope.Controls.Where(c => !mapping.ControlsById.ContainsKey(c)).ToList();
        if (unknownControls.Count > 0)
        {
            throw new UserError($"--control: unknown control id '{unknownControls[0]}' (not in {MappingTableFile(app)})");
        }

        // A provider asked for by name that cannot run is a configuration error: nothing is sealed.
        var providers = app.Services.GetRequiredService<ProviderRegistry>();
        foreach (var name in scope.Providers)
        {
            var provider = WireText.Parse<Model.Provider>(name);
            if (providers.WhyNot(provider) is { } why)
            {
                throw new UserError($"--provider {provider.ToWire()}: not configured: {why}");
            }
        }

        if (scope.Providers.Count == 0 && !providers.Modules.Any(m => providers.IsConfigured(m.Provider)))
        {
            throw new UserError($"no provider is configured: {string.Join("; ", providers.Modules.Select(m => $"{m.Provider.ToWire()}: {providers.WhyNot(m.Provider)}"))}");
        }

        var runner = app.Services.GetRequiredService<PipelineRunner>();
        using var store = app.OpenStoreForWriting();
        RunOutcome outcome;
        try
        {
            outcome = await WithProgressAsync(progress => runner.RunAsync(store, new RunRequest(trigger, requestedBy, scope), progress, ct)).ConfigureAwait(false);
        }
        catch (RunRefusedException e)
        {
            throw new UserError(e.Message, ExitCodes.Refused);
        }
        catch (SigningException e)
        {
            throw new UserError(e.Message);
        }

        Report(outcome, json);
        after?.Invoke(outcome, store);
        if (outcome.Status != RunStatus.Sealed)
        {
            return ExitCodes.Failed;
        }

        // Sealed as evidence of the gap, but not a success: nothing could be looked at.
        if (!outcome.Targets.Any(t => t.Outcome == TargetOutcome.Evaluated))
        {
            var why = outcome.Targets.Count == 0
                ? "no target was planned"
                : string.Join("; ", outcome.Targets.OrderBy(t => t.Target.ToString(), StringComparer.Ordinal).Take(5).Select(t => $"{t.Target} {t.Outcome.ToWire()}: {t.Detail}"));
            Console.Error.WriteLine($"evidence: run {outcome.RunId} sealed, but no target could be evaluated: {why}");
            return ExitCodes.Failed;
        }

        var failed = failOn switch
        {
            "fail" => outcome.FindingCount(FindingStatus.Fail) > 0,
            "error" => outcome.FindingCount(FindingStatus.Fail) + outcome.FindingCount(FindingStatus.Error) > 0,
            _ => false,
        };
        if (failed)
        {
            Console.Error.WriteLine($"evidence: --fail-on {failOn}: the run has {(failOn == "fail" ? "failing" : "failing or errored")} findings");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    private static string MappingTableFile(App app) => Path.Combine(app.MappingPath, "iso27001-2022", "annex-a.csv");

    private static async Task<RunOutcome> WithProgressAsync(Func<IRunProgress, Task<RunOutcome>> run)
    {
        if (Console.IsErrorRedirected)
        {
            return await run(new PlainProgress()).ConfigureAwait(false);
        }

        RunOutcome? outcome = null;
        await Output.Stderr.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var progress = new LiveProgress(ctx);
                outcome = await run(progress).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return outcome!;
    }

    private static void Report(RunOutcome outcome, bool json)
    {
        var byStatus = Enum.GetValues<FindingStatus>().ToDictionary(s => s, outcome.FindingCount);
        var controls = Enum.GetValues<ControlStatus>().ToDictionary(s => s, s => outcome.Controls.Count(c => c.Status == s));
        var targets = Enum.GetValues<TargetOutcome>().ToDictionary(s => s, s => outcome.Targets.Count(t => t.Outcome == s));
        if (json)
        {
            var findingCounts = new JsonObject();
            foreach (var (status, count) in byStatus)
            {
                findingCounts[status.ToWire()] = count;
            }

            var controlCounts = new JsonObject();
            foreach (var (status, count) in controls)
            {
                controlCounts[status.ToWire()] = count;
            }

            Output.Json(new JsonObject
            {
                ["runId"] = outcome.RunId,
                ["status"] = outcome.Status.ToWire(),
                ["reason"] = outcome.Reason,
                ["sequence"] = outcome.Seal?.Sequence,
                ["manifestHash"] = outcome.Seal?.ManifestHash,
                ["keyId"] = outcome.Seal?.KeyId,
                ["evidence"] = outcome.Seal?.Evidence,
                ["findings"] = findingCounts,
                ["controls"] = controlCounts,
                ["targets"] = new JsonArray(outcome.Targets.OrderBy(t => t.Target.ToString(), StringComparer.Ordinal).Select(t => (JsonNode)Output.Target(t)).ToArray()),
                ["unmappedRules"] = new JsonArray(outcome.UnmappedRules.Select(r => (JsonNode)r).ToArray()),
            });
            return;
        }

        if (outcome.Status != RunStatus.Sealed)
        {
            Output.Line($"run {outcome.RunId} {outcome.Status.ToWire()}: {outcome.Reason}");
            return;
        }

        Output.Line($"run {outcome.RunId} sealed as #{outcome.Seal!.Sequence} (manifest {outcome.Seal.ManifestHash}, key {outcome.Seal.KeyId[..16]}…)");
        Output.Line($"targets:  {string.Join(", ", targets.Select(t => $"{t.Value} {t.Key.ToWire()}"))}");
        foreach (var t in outcome.Targets.Where(t => t.Outcome != TargetOutcome.Evaluated).OrderBy(t => t.Target.ToString(), StringComparer.Ordinal))
        {
            Output.Line($"  {t.Target} {t.Outcome.ToWire()}: {t.Detail}");
        }

        Output.Line($"findings: {outcome.TotalFindings} ({string.Join(", ", byStatus.Select(s => $"{s.Value} {s.Key.ToWire()}"))})");
        Output.Line($"controls: {string.Join(", ", controls.Select(s => $"{s.Value} {s.Key.ToWire()}"))}");
        if (outcome.UnmappedRules.Count > 0)
        {
            Output.Line($"unmapped rules (stored as evidence, no control): {string.Join(", ", outcome.UnmappedRules)}");
        }
    }

    private static Option<string[]> Multi(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };

    private static List<string> Split(string[]? values) =>
        values is null ? [] : values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private sealed class PlainProgress : IRunProgress
    {
        private int _done;
        private int _total;

        public void Planned(string runId, int targets, int tasks)
        {
            _total = tasks;
            Console.Error.WriteLine($"run {runId}: {targets} targets, {tasks} collector tasks");
        }

        public void CollectorFinished(string collector, Target target, int records, int errors)
        {
            var done = Interlocked.Increment(ref _done);
            Console.Error.WriteLine($"[{done}/{_total}] {collector} {target}: {records} records, {errors} errors");
        }

        public void Phase(string name) => Console.Error.WriteLine($"{name}…");
    }

    private sealed class LiveProgress(ProgressContext context) : IRunProgress
    {
        private ProgressTask? _collect;

        public void Planned(string runId, int targets, int tasks)
        {
            _collect = context.AddTask($"collecting ({targets} targets)", maxValue: Math.Max(tasks, 1));
        }

        public void CollectorFinished(string collector, Target target, int records, int errors) => _collect?.Increment(1);

        public void Phase(string name)
        {
            if (name != "collecting" && name != "planning")
            {
                _collect?.Value(_collect.MaxValue);
                context.AddTask(name, maxValue: 1).Increment(1);
            }
        }
    }
}
