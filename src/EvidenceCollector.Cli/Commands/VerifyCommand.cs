using System.CommandLine;
using System.Text.Json.Nodes;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence verify`: re-hash and re-check everything; exit 1 naming the first broken item.</summary>
public static class VerifyCommand
{
    public static Command Build()
    {
        var trusted = new Option<string?>("--trusted-key") { Description = "Fail unless the store's root key id is this one (the id published out of band)", HelpName = "KEY-ID" };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON document on stdout" };
        var command = new Command("verify", "Verify every evidence file, finding, manifest, signature and the hash chain (reads only)");
        command.Options.Add(trusted);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            using var app = App.Create(EvidenceCli.Globals(result));
            using var store = app.OpenStoreReadOnly();
            var report = Verifier.Verify(store, result.GetValue(trusted));
            if (result.GetValue(json))
            {
                Output.Json(new JsonObject
                {
                    ["ok"] = report.Ok,
                    ["problem"] = report.Problem,
                    ["rootKeyId"] = report.RootKeyId,
                    ["sealedRuns"] = report.SealedRuns,
                    ["evidenceFiles"] = report.EvidenceFiles,
                    ["findings"] = report.Findings,
                    ["envelopes"] = report.Envelopes,
                    ["keys"] = report.Keys,
                    ["headManifest"] = report.HeadManifest,
                });
            }
            else
            {
                Output.Line($"root key: {report.RootKeyId ?? "(none yet)"}");
                if (report.Ok)
                {
                    Output.Line($"verified: {report.SealedRuns} sealed runs, {report.EvidenceFiles} evidence files, {report.Findings} findings, {report.Envelopes} envelopes, {report.Keys} key(s); head manifest {report.HeadManifest ?? "(none)"}");
                }
                else
                {
                    Output.Line($"verification FAILED: {report.Problem}");
                }
            }

            return report.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}
