using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>
/// Output: tables on a terminal; plain rows when stdout is not a terminal (a pipe, a file, CI logs): one
/// row per line, tab-separated, full values, never wrapped (<c>--format tsv|csv|table</c> chooses); with
/// <c>--json</c> exactly one JSON document on stdout. Keys camelCase, enum values snake_case, hashes bare
/// hex, times RFC 3339 UTC with ms.
/// </summary>
public static class Output
{
    /// <summary>How <see cref="Table"/> prints; null: a table on a terminal, tab-separated rows otherwise.</summary>
    public static TableFormat? Format { get; set; }

    public static TableFormat EffectiveFormat => Format ?? (Console.IsOutputRedirected ? TableFormat.Tsv : TableFormat.Table);

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
        switch (EffectiveFormat)
        {
            case TableFormat.Tsv:
                Console.Out.WriteLine(string.Join('\t', headers.Select(Tsv)));
                foreach (var row in rows)
                {
                    Console.Out.WriteLine(string.Join('\t', row.Select(Tsv)));
                }

                return;
            case TableFormat.Csv:
                Console.Out.WriteLine(string.Join(',', headers.Select(Csv)));
                foreach (var row in rows)
                {
                    Console.Out.WriteLine(string.Join(',', row.Select(Csv)));
                }

                return;
        }

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

    /// <summary>A TSV cell: tabs and line breaks inside a value become spaces, so a row stays one line.</summary>
    public static string Tsv(string value) => value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    /// <summary>An RFC 4180 cell: quoted when it holds a comma, a quote or a line break.</summary>
    public static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

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

/// <summary>How tabular output is printed.</summary>
public enum TableFormat
{
    Table,
    Tsv,
    Csv,
}
