using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using EvidenceCollector.Bundles;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence export`: a window of sealed runs as one signed bundle an auditor verifies offline.</summary>
public static class ExportCommand
{
    public static Command Build()
    {
        var runs = new Option<string[]>("--run") { Description = "Export this sealed run (repeatable: the window from the first to the last named)", HelpName = "ID", AllowMultipleArgumentsPerToken = false };
        var last = new Option<int?>("--last") { Description = "Export the last N sealed runs", HelpName = "N" };
        var from = new Option<string?>("--from") { Description = "Runs sealed at or after this time (RFC 3339, or a date: its start in UTC)", HelpName = "TIME" };
        var to = new Option<string?>("--to") { Description = "Runs sealed at or before this time (RFC 3339, or a date: its end in UTC)", HelpName = "TIME" };
        var controls = new Option<string[]>("--control") { Description = "Narrow the report, control views and SoA to this control (repeatable)", HelpName = "ID" };
        var providers = new Option<string[]>("--provider") { Description = "Narrow the views to this provider (repeatable)", HelpName = "aws|azure" };
        var accounts = new Option<string[]>("--account") { Description = "Narrow the views to this account or subscription (repeatable)", HelpName = "ID" };
        var output = new Option<string?>("--out") { Description = "The bundle to write (default evidence-<from>-<to>.zip)", HelpName = "FILE.zip" };
        var json = new Option<bool>("--json") { Description = "Print what was exported as one JSON document on stdout" };
        var command = new Command("export", "Export the evidence of sealed runs as a signed bundle (zip) an auditor can verify offline");
        foreach (var option in new Option[] { runs, last, from, to, controls, providers, accounts, output, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(result =>
        {
            var ids = result.GetValue(runs) ?? [];
            var windows = (ids.Length > 0 ? 1 : 0) + (result.GetValue(last) is not null ? 1 : 0) + (result.GetValue(from) is not null || result.GetValue(to) is not null ? 1 : 0);
            if (windows != 1)
            {
                throw new UserError("export: give exactly one of --run, --last, or --from/--to");
            }

            if (result.GetValue(last) is < 1)
            {
                throw new UserError("--last: must be at least 1");
            }

            using var app = App.Create(EvidenceCli.Globals(result));
            var mapping = app.Mapping;
            var exclusions = Exclusions(app.Configuration, mapping);
            var request = new ExportRequest
            {
                RunIds = ids,
                Last = result.GetValue(last),
                From = Time(result.GetValue(from), "--from", endOfDay: false),
                To = Time(result.GetValue(to), "--to", endOfDay: true),
                Controls = Known(result.GetValue(controls) ?? [], mapping.Controls.Select(c => c.Id), "--control"),
                Providers = Known(result.GetValue(providers) ?? [], ["aws", "azure"], "--provider"),
                Accounts = result.GetValue(accounts) ?? [],
                Exclusions = exclusions,
            };

            using var store = app.OpenStoreForWriting();
            List<Model.RunInfo> selected;
            try
            {
                selected = BundleExporter.SelectRuns(store, request);
            }
            catch (BundleProblem e)
            {
                throw new UserError(e.Message, ExitCodes.Failed);
            }

            var target = Path.GetFullPath(result.GetValue(output) ?? $"evidence-{Stamp(selected[0].EndedAt!.Value)}-{Stamp(selected[^1].EndedAt!.Value)}.zip");
            var (signer, _) = SignerFactory.Resolve(store, app.Services.GetRequiredService<IOptions<SigningOptions>>().Value);
            if (store.KeyChain().All(k => k.KeyId != signer.KeyId))
            {
                throw new UserError($"Signing:KeyPath: key {signer.KeyId} is not in this store's key chain, so a bundle it signed would not verify");
            }

            // Written next to the target and moved into place: a failed export leaves no partial bundle.
            var partial = target + ".partial";
            ExportResult exported;
            try
            {
                using (var file = new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20))
                {
                    exported = BundleExporter.Export(store, signer, mapping, app.MappingPath, App.ToolVersion, request, file, p => Console.Error.WriteLine($"export: {p}"));
                    file.Flush(flushToDisk: true);
                }

                File.Move(partial, target, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }

            if (result.GetValue(json))
            {
                Output.Json(new JsonObject
                {
                    ["bundle"] = target,
                    ["runs"] = new JsonArray(exported.Runs.Select(r => (JsonNode)r).ToArray()),
                    ["files"] = exported.Files,
                    ["bytes"] = exported.Bytes,
                    ["evidenceFiles"] = exported.EvidenceFiles,
                    ["signedBy"] = signer.KeyId,
                });
            }
            else
            {
                Output.Line($"exported {exported.Runs.Count} run(s) sealed {exported.From.ToWire()} .. {exported.To.ToWire()}: {exported.Files} files, {exported.EvidenceFiles} evidence files, signed by {signer.KeyId}");
                Output.Line($"bundle: {target}");
                Output.Line($"verify it: evidence verify {target} --trusted-key {store.KeyChain()[0].KeyId}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(string? text, string option, bool endOfDay)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && text.Contains('T', StringComparison.Ordinal))
        {
            return time;
        }

        throw new UserError($"{option}: '{text}' is neither an RFC 3339 time nor a date (YYYY-MM-DD)");
    }

    private static string[] Known(string[] values, IEnumerable<string> known, string option)
    {
        var set = known.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return values.FirstOrDefault(v => !set.Contains(v)) is { } bad ? throw new UserError($"{option}: unknown value '{bad}'") : values;
    }

    /// <summary><c>Export:Exclusions</c>: a list of <c>{Control, Justification}</c>, each control known and justified.</summary>
    private static List<Exclusion> Exclusions(IConfiguration configuration, Mapping.MappingTable mapping)
    {
        var list = new List<Exclusion>();
        foreach (var item in configuration.GetSection("Export:Exclusions").GetChildren())
        {
            var control = item["Control"];
            var justification = item["Justification"];
            if (string.IsNullOrWhiteSpace(control) || mapping.Controls.All(c => !string.Equals(c.Id, control, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UserError($"Export:Exclusions:{item.Key}:Control: unknown control '{control}'");
            }

            if (string.IsNullOrWhiteSpace(justification))
            {
                throw new UserError($"Export:Exclusions:{item.Key}:Justification: an excluded control needs a justification");
            }

            list.Add(new Exclusion(control, justification));
        }

        return list;
    }
}
