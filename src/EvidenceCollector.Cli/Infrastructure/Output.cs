using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>
/// Output: tables on a terminal (plain aligned text when redirected); with <c>--json</c> exactly one JSON
/// document on stdout. Keys camelCase, enum values snake_case, hashes bare hex, times RFC 3339 UTC with ms.
/// </summary>
public static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IAnsiConsole Stdout { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Out),
        Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    public static IAnsiConsole Stderr { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
        Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = Console.IsErrorRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    public static void Json(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Indented));

    public static void Table(string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(Console.IsOutputRedirected ? TableBorder.None : TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(c => new Text(c)).ToArray());
        }

        Stdout.Write(table);
    }

    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>A finding as printed: its canonical (hashed) form plus its hash, so a reader can check it.</summary>
    public static JsonObject Finding(Finding f)
    {
        var o = CanonicalForms.Finding(f);
        o["mappingKey"] ??= null;
        o["hash"] = CanonicalForms.FindingHash(f);
        return o;
    }

    public static JsonObject Control(Control control, ControlResult? result, Coverage coverage, string? runId) => new()
    {
        ["runId"] = runId,
        ["id"] = control.Id,
        ["theme"] = control.Theme,
        ["name"] = control.Name,
        ["status"] = (result?.Status ?? ControlStatus.NoAutomatedEvidence).ToWire(),
        ["coverage"] = coverage.ToWire(),
        ["pass"] = result?.Pass ?? 0,
        ["fail"] = result?.Fail ?? 0,
        ["error"] = result?.Error ?? 0,
        ["notApplicable"] = result?.NotApplicable ?? 0,
        ["checks"] = CanonicalForms.Strings(result?.Checks ?? []),
    };

    public static JsonObject Run(RunInfo r) => new()
    {
        ["id"] = r.Id,
        ["sequence"] = r.Sequence,
        ["status"] = r.Status.ToWire(),
        ["trigger"] = r.Trigger.ToWire(),
        ["requestedBy"] = r.RequestedBy,
        ["scope"] = CanonicalForms.Scope(r.Scope),
        ["startedAt"] = r.StartedAt.ToWire(),
        ["endedAt"] = r.EndedAt?.ToWire(),
        ["reason"] = r.Reason,
        ["manifestHash"] = r.ManifestHash,
    };

    public static JsonObject Target(TargetReport t) => new()
    {
        ["provider"] = t.Target.Provider.ToWire(),
        ["account"] = t.Target.Account,
        ["region"] = t.Target.Region,
        ["outcome"] = t.Outcome.ToWire(),
        ["detail"] = t.Detail,
    };
}
