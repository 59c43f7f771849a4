using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using EvidenceCollector.Cli.Commands;
using EvidenceCollector.Cli.Infrastructure;

namespace EvidenceCollector.Cli;

/// <summary>The `evidence` command line: verbs, shared options, exit codes and one-line user errors.</summary>
public static class EvidenceCli
{
    public static readonly Option<string?> Data = new("--data") { Description = "The evidence store folder (config Store:Path; default ./data)", Recursive = true, HelpName = "DIR" };
    public static readonly Option<string?> Mappings = new("--mappings") { Description = "Folder holding iso27001-2022/ (config Mapping:Path; default: the mappings shipped with the tool)", Recursive = true, HelpName = "DIR" };
    public static readonly Option<string?> Config = new("--config") { Description = "Extra JSON configuration file (after appsettings.json and EVIDENCE__ variables)", Recursive = true, HelpName = "FILE" };
    public static readonly Option<string?> Format = new Option<string?>("--format") { Description = "Tabular output: table, tsv or csv (default: a table on a terminal, tab-separated rows when piped)", Recursive = true, HelpName = "table|tsv|csv" }.AcceptOnlyFromAmong("table", "tsv", "csv");
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Log progress at Information level on stderr", Recursive = true };

    public static GlobalArgs Globals(ParseResult result) =>
        new(result.GetValue(Data), result.GetValue(Mappings), result.GetValue(Config), result.GetValue(Verbose));

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("EvidenceCollector: sealed, verifiable ISO/IEC 27001:2022 Annex A evidence from AWS and Azure");
        root.Options.Add(Data);
        root.Options.Add(Mappings);
        root.Options.Add(Config);
        root.Options.Add(Verbose);
        root.Options.Add(Format);
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(CollectCommand.Build());
        root.Subcommands.Add(ReadCommands.Runs());
        root.Subcommands.Add(ReadCommands.Controls());
        root.Subcommands.Add(ReadCommands.Findings());
        root.Subcommands.Add(VerifyCommand.Build());
        root.Subcommands.Add(ExportCommand.Build());
        root.Subcommands.Add(MappingsCommand.Build());
        root.Subcommands.Add(ConfigCommand.Build());
        root.Subcommands.Add(HealthCommand.Build());
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(EstateCommand.Build());

        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = BuildRoot();
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // System.CommandLine answers 1 for parse errors; a usage error is 2 here.
            foreach (var error in result.Errors.Take(1))
            {
                Console.Error.WriteLine($"evidence: {error.Message} (see `evidence {string.Join(' ', CommandPath(result))} --help`)".Replace("  ", " ", StringComparison.Ordinal));
            }

            return ExitCodes.Usage;
        }

        Output.Format = result.GetValue(Format) switch
        {
            "table" => TableFormat.Table,
            "tsv" => TableFormat.Tsv,
            "csv" => TableFormat.Csv,
            _ => null,
        };
        using var cancellation = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancellation.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancellation.Cancel(); });
        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
        }
        catch (UserError e)
        {
            foreach (var line in e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Console.Error.WriteLine($"evidence: {line}");
            }

            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("evidence: cancelled");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (!result.GetValue(Verbose))
        {
            // Not a user error: a bug or an environment failure. One line; --verbose shows the stack.
            Console.Error.WriteLine($"evidence: internal error: {e.GetType().Name}: {e.Message} (run with --verbose for details)");
            return ExitCodes.Failed;
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var c = result.CommandResult; c is not null; c = c.Parent as CommandResult)
        {
            if (c.Command is not RootCommand)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return names;
    }
}
