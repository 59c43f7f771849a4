using System.CommandLine;
using System.Text.Json.Nodes;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence runs`, `evidence controls`, `evidence findings`: readers of sealed runs.</summary>
public static class ReadCommands
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print one JSON document on stdout" };
    private static readonly Option<string?> RunOption = new("--run") { Description = "Run id, or 'all' (default: the latest sealed run)", HelpName = "ID|all" };

    public static Command Runs()
    {
        var command = new Command("runs", "List every run: sealed, aborted (with the reason) and running");
        command.Options.Add(Json);
        command.SetAction(result =>
        {
            using var app = App.Create(EvidenceCli.Globals(result));
            using var store = app.OpenReadModel();
            var runs = store.Runs();
            if (result.GetValue(Json))
            {
                Output.Json(new JsonArray(runs.Select(r => (JsonNode)Output.Run(r)).ToArray()));
                return ExitCodes.Ok;
            }

            Output.Table(
                ["run", "#", "status", "trigger", "requested by", "started", "ended", "reason"],
                runs.Select(r => new[] { r.Id, r.Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", r.Status.ToWire(), r.Trigger.ToWire(), r.RequestedBy, r.StartedAt.ToWire(), r.EndedAt?.ToWire() ?? "", r.Reason ?? "" }));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Controls()
    {
        var status = new Option<string?>("--status") { Description = "Only controls with this status", HelpName = "compliant|non_compliant|incomplete|not_applicable|no_automated_evidence" };
        var command = new Command("controls", "All 93 Annex A controls with their status and coverage in a sealed run");
        command.Options.Add(RunOption);
        command.Options.Add(status);
        command.Options.Add(Json);
        command.SetAction(result =>
        {
            ControlStatus? wanted = ParseStatus<ControlStatus>(result.GetValue(status), "--status");
            using var app = App.Create(EvidenceCli.Globals(result));
            var mapping = app.Mapping;
            var automated = mapping.AutomatedControls(app.Checks.Select(c => c.Metadata));
            using var store = app.OpenReadModel();
            var rows = new List<JsonObject>();
            var unmapped = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var run in SelectRuns(store, result.GetValue(RunOption)))
            {
                unmapped.UnionWith(store.UnmappedRules(run.Id));
                var results = store.Controls(run.Id).ToDictionary(c => c.ControlId, StringComparer.Ordinal);
                foreach (var control in mapping.Controls)
                {
                    results.TryGetValue(control.Id, out var r);
                    if (wanted is not null && (r?.Status ?? ControlStatus.NoAutomatedEvidence) != wanted)
                    {
                        continue;
                    }

                    rows.Add(Output.Control(control, r, automated.Contains(control.Id) ? Coverage.Automated : Coverage.ManualOnly, run.Id));
                }
            }

            if (result.GetValue(Json))
            {
                Output.Json(new JsonArray(rows.Select(r => (JsonNode)r).ToArray()));
                return ExitCodes.Ok;
            }

            Output.Table(
                ["control", "theme", "name", "status", "coverage", "pass", "fail", "error", "n/a"],
                rows.Select(r => new[] { S(r, "id"), S(r, "theme"), S(r, "name"), S(r, "status"), S(r, "coverage"), S(r, "pass"), S(r, "fail"), S(r, "error"), S(r, "notApplicable") }));
            if (unmapped.Count > 0)
            {
                var line = $"unmapped rules (their findings are stored as evidence, mapped to no control; add rows to the rule tables): {string.Join(", ", unmapped)}";
                if (Output.EffectiveFormat == TableFormat.Table)
                {
                    Output.Line(line);
                }
                else
                {
                    // Plain rows stay rows: the note goes to stderr.
                    Console.Error.WriteLine(line);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Findings()
    {
        var status = new Option<string?>("--status") { Description = "Only findings with this status", HelpName = "pass|fail|error|not_applicable" };
        var control = new Option<string?>("--control") { Description = "Only findings mapped to this control (e.g. A.8.24)", HelpName = "A.x.y" };
        var command = new Command("findings", "Findings of a sealed run");
        command.Options.Add(RunOption);
        command.Options.Add(control);
        command.Options.Add(status);
        command.Options.Add(Json);
        command.SetAction(result =>
        {
            FindingStatus? wanted = ParseStatus<FindingStatus>(result.GetValue(status), "--status");
            using var app = App.Create(EvidenceCli.Globals(result));
            var controlId = result.GetValue(control);
            if (controlId is not null && !app.Mapping.ControlsById.ContainsKey(controlId))
            {
                throw new UserError($"--control: unknown control id '{controlId}' (controls are written like A.8.24)");
            }

            using var store = app.OpenReadModel();
            var findings = SelectRuns(store, result.GetValue(RunOption)).SelectMany(r => store.Findings(r.Id, controlId, wanted)).ToList();
            if (result.GetValue(Json))
            {
                Output.Json(new JsonArray(findings.Select(f => (JsonNode)Output.Finding(f)).ToArray()));
                return ExitCodes.Ok;
            }

            Output.Table(
                ["status", "severity", "check", "account", "region", "resource", "controls", "message"],
                findings.Select(f => new[] { f.Status.ToWire(), f.Severity.ToWire(), f.CheckId, f.Account, f.Region, f.ResourceId, string.Join(" ", f.Controls), f.Message }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<RunInfo> SelectRuns(IEvidenceReadModel store, string? run)
    {
        if (string.Equals(run, "all", StringComparison.OrdinalIgnoreCase))
        {
            return store.SealedRuns();
        }

        if (run is null)
        {
            var latest = store.LatestSealedRun() ?? throw new UserError($"--data: {store.Location} holds no sealed run yet", ExitCodes.Failed);
            return [latest];
        }

        var found = store.Run(run) ?? throw new UserError($"--run: no run '{run}' in {store.Location} (see `evidence runs`)");
        if (found.Status != RunStatus.Sealed)
        {
            throw new UserError($"--run: run {run} is {found.Status.ToWire()}{(found.Reason is null ? string.Empty : $" ({found.Reason})")}; only sealed runs have findings", ExitCodes.Failed);
        }

        return [found];
    }

    private static T? ParseStatus<T>(string? text, string flag)
        where T : struct, Enum
    {
        if (text is null)
        {
            return null;
        }

        return WireText.TryParse<T>(text, out var value)
            ? value
            : throw new UserError($"{flag}: '{text}' is not one of {string.Join(", ", Enum.GetValues<T>().Select(v => v.ToWire()))}");
    }

    private static string S(JsonObject o, string key) => o[key]?.ToString() ?? string.Empty;
}
