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
        var reevaluate = new Option<bool>("--reevaluate") { Description = "With a bundle: also re-perform this version's checks over its raw evidence and compare the findings" };
        var bundle = new Argument<string?>("bundle") { Description = "An exported bundle (zip) to verify offline instead of the store", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("verify", "Verify every evidence file, finding, manifest, signature and the hash chain (reads only)");
        command.Options.Add(trusted);
        command.Options.Add(json);
        command.Options.Add(reevaluate);
        command.Arguments.Add(bundle);
        command.SetAction(result =>
        {
            if (result.GetValue(bundle) is { } zip)
            {
                var verified = VerifyBundle(zip, result.GetValue(trusted), result.GetValue(json) && !result.GetValue(reevaluate));
                return verified != ExitCodes.Ok || !result.GetValue(reevaluate) ? verified : Reevaluate(zip, EvidenceCli.Globals(result), result.GetValue(json));
            }

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

    private static int Reevaluate(string path, GlobalArgs globals, bool json)
    {
        using var app = App.Create(globals);
        var report = Reperformance.Run(path, app.Checks, App.ToolVersion);
        if (json)
        {
            Output.Json(new JsonObject
            {
                ["ok"] = report.Identical,
                ["compared"] = report.Compared,
                ["notReperformed"] = report.NotReperformed,
                ["bundleToolVersion"] = report.BundleTool,
                ["toolVersion"] = report.ThisTool,
                ["differences"] = new JsonArray(report.Differences.Select(d => (JsonNode)d).ToArray()),
            });
        }
        else
        {
            if (report.BundleTool != report.ThisTool)
            {
                Output.Line($"note: the bundle was made by {report.BundleTool}; re-performed with {report.ThisTool}, so a difference may be a change of the checks, not tampering");
            }

            Output.Line(report.Identical
                ? $"re-performed: {report.Compared} findings derived from evidence are identical ({report.NotReperformed} findings that cite no evidence come from collection and were not re-performed)"
                : $"re-performed: {report.Differences.Count} difference(s) over {report.Compared} findings");
            foreach (var difference in report.Differences.Take(100))
            {
                Output.Line($"  {difference}");
            }
        }

        return report.Identical ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static int VerifyBundle(string path, string? trusted, bool json)
    {
        if (!File.Exists(path))
        {
            throw new UserError($"verify: bundle {path} not found");
        }

        var report = Bundles.BundleVerifier.Verify(path, trusted);
        if (json)
        {
            Output.Json(new JsonObject
            {
                ["ok"] = report.Ok,
                ["bundle"] = Path.GetFullPath(path),
                ["problems"] = new JsonArray(report.Problems.Select(p => (JsonNode)p).ToArray()),
                ["rootKeyId"] = report.RootKeyId,
                ["signedBy"] = report.SignedBy,
                ["keys"] = new JsonArray(report.Keys.Select(k => (JsonNode)k).ToArray()),
                ["runs"] = new JsonArray(report.Runs.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["sequence"] = r.Sequence, ["sealedAt"] = r.SealedAt, ["manifestHash"] = r.ManifestHash, ["keyId"] = r.KeyId }).ToArray()),
                ["files"] = report.Files,
                ["evidenceFiles"] = report.EvidenceFiles,
                ["findings"] = report.Findings,
                ["envelopes"] = report.Envelopes,
                ["toolVersion"] = report.ToolVersion,
            });
        }
        else if (report.Ok)
        {
            Output.Line($"bundle {Path.GetFileName(path)}: VERIFIED");
            Output.Line($"checked: every file's SHA-256 and size against manifest.json, nothing extra or missing ({report.Files} files); the signatures of manifest.json and SHA256SUMS by key {report.SignedBy}; the key chain ({report.Keys.Count} key(s), root {report.RootKeyId}{(trusted is null ? ", not pinned: pass --trusted-key to pin it" : ", pinned")})");
            Output.Line($"runs: {report.Runs.Count}, sequences {report.Runs[0].Sequence}..{report.Runs[^1].Sequence}, sealed {report.Runs[0].SealedAt} .. {report.Runs[^1].SealedAt}; each manifest's hash, signature and link to the run before it");
            foreach (var run in report.Runs)
            {
                Output.Line($"  #{run.Sequence} {run.Id} sealed {run.SealedAt}, manifest {run.ManifestHash}, key {run.KeyId}");
            }

            Output.Line($"contents: {report.EvidenceFiles} evidence files (each its name's SHA-256), {report.Findings} findings and {report.Envelopes} envelopes (each a line its run's manifest lists); every finding and control view reference present; made by {report.ToolVersion}");
        }
        else
        {
            Output.Line($"bundle {Path.GetFileName(path)}: verification FAILED ({report.Problems.Count} problem(s){(report.Problems.Count >= 100 ? ", the first 100 shown" : string.Empty)})");
            foreach (var problem in report.Problems)
            {
                Output.Line($"  {problem}");
            }
        }

        return report.Ok ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
