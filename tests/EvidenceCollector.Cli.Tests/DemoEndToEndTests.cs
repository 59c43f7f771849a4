using System.Diagnostics;
using System.Text.Json;

namespace EvidenceCollector.Cli.Tests;

/// <summary>`evidence demo` end to end through the real executable, then every reader verb on its store.</summary>
public sealed class DemoEndToEndTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ec-demo-").FullName;

    private string Data => Path.Combine(_root, "demo");

    [Fact]
    public async Task Demo_SealsRun_ReadersShowIt_VerifyPasses_ThenDetectsTampering()
    {
        var (code, output, err) = await Cli.RunAsync("demo", "--data", Data);
        Assert.True(code == 0, err);
        Assert.Contains("sealed as #1", output);
        Assert.Contains($"--data {Data}", output);

        var findings = Json(await Cli.RunAsync("findings", "--data", Data, "--json"));
        Assert.Equal(JsonValueKind.Array, findings.ValueKind);
        var first = findings.EnumerateArray().First();
        foreach (var key in new[] { "runId", "checkId", "title", "provider", "account", "region", "resourceId", "status", "severity", "controls", "message", "evidence" })
        {
            Assert.True(first.TryGetProperty(key, out _), $"finding has no '{key}'");
        }

        var statuses = findings.EnumerateArray().Select(f => f.GetProperty("status").GetString()).ToHashSet();
        Assert.Contains("fail", statuses);
        Assert.Contains("pass", statuses);
        Assert.Subset(new HashSet<string?> { "pass", "fail", "error", "not_applicable" }, statuses);
        var builtIn = findings.EnumerateArray().Select(f => f.GetProperty("checkId").GetString()!).Where(id => !id.StartsWith("aws.config.rule.", StringComparison.Ordinal)).Distinct().Count();
        Assert.True(builtIn >= 45, $"{builtIn} distinct built-in checks");
        Assert.Contains(findings.EnumerateArray(), f => f.GetProperty("checkId").GetString() == "aws.config.rule.IAM_USER_MFA_ENABLED");
        // One run, both clouds: the demo's Azure estate through its own managed identity.
        Assert.Contains(findings.EnumerateArray(), f => f.GetProperty("checkId").GetString() == "azure.authorization.subscription_owners_2_to_3" && f.GetProperty("status").GetString() == "fail");
        Assert.Contains(findings.EnumerateArray(), f => f.GetProperty("checkId").GetString() == "azure.storage.minimum_tls_1_2" && f.GetProperty("status").GetString() == "fail");
        Assert.DoesNotContain(findings.EnumerateArray(), f => f.GetProperty("checkId").GetString()!.StartsWith("azure.", StringComparison.Ordinal) && f.GetProperty("status").GetString() == "error");
        Assert.All(findings.EnumerateArray().SelectMany(f => f.GetProperty("evidence").EnumerateArray()), h => Assert.Matches("^[0-9a-f]{64}$", h.GetString()));
        Assert.All(findings.EnumerateArray().Where(f => f.GetProperty("status").GetString() is "pass" or "fail"), f => Assert.NotEqual(0, f.GetProperty("evidence").GetArrayLength()));

        var controls = Json(await Cli.RunAsync("controls", "--data", Data, "--json"));
        Assert.Equal(93, controls.GetArrayLength());
        Assert.Contains(controls.EnumerateArray(), c => c.GetProperty("id").GetString() == "A.8.24" && c.GetProperty("status").GetString() == "non_compliant" && c.GetProperty("coverage").GetString() == "automated");
        Assert.Contains(controls.EnumerateArray(), c => c.GetProperty("id").GetString() == "A.7.1" && c.GetProperty("status").GetString() == "no_automated_evidence" && c.GetProperty("coverage").GetString() == "manual_only");

        var table = await Cli.RunAsync("controls", "--data", Data, "--format", "table");
        Assert.Contains("unmapped rules", table.Out);
        Assert.Contains("aws.config.rule.custom.acme-required-tags", table.Out);

        // Compliance needs evidence of it: no control is compliant without a passing finding.
        Assert.DoesNotContain(controls.EnumerateArray(), c => c.GetProperty("status").GetString() == "compliant" && c.GetProperty("pass").GetInt32() == 0);

        // Piped, every reader prints plain rows: a header, then one line per finding with all eight columns, values whole.
        var allFindings = Json(await Cli.RunAsync("findings", "--data", Data, "--json"));
        var piped = await Cli.RunAsync("findings", "--data", Data);
        var lines = piped.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(allFindings.GetArrayLength() + 1, lines.Length);
        Assert.Equal("status\tseverity\tcheck\taccount\tregion\tresource\tcontrols\tmessage", lines[0]);
        Assert.All(lines, l => Assert.Equal(8, l.Split('\t').Length));
        var longest = allFindings.EnumerateArray().Select(f => f.GetProperty("resourceId").GetString()!).MaxBy(r => r.Length)!;
        Assert.Contains(lines, l => l.Split('\t')[5] == longest);
        var pipedControls = await Cli.RunAsync("controls", "--data", Data);
        Assert.Equal(94, pipedControls.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("unmapped rules", pipedControls.Err);
        var csv = await Cli.RunAsync("controls", "--data", Data, "--format", "csv");
        Assert.StartsWith("control,theme,name,status,coverage,pass,fail,error,n/a", csv.Out, StringComparison.Ordinal);

        var failing = Json(await Cli.RunAsync("findings", "--data", Data, "--json", "--control", "A.8.24", "--status", "fail"));
        Assert.All(failing.EnumerateArray(), f =>
        {
            Assert.Equal("fail", f.GetProperty("status").GetString());
            Assert.Contains("A.8.24", f.GetProperty("controls").EnumerateArray().Select(c => c.GetString()));
        });

        var runs = Json(await Cli.RunAsync("runs", "--data", Data, "--json"));
        var run = runs.EnumerateArray().Single();
        Assert.Equal("sealed", run.GetProperty("status").GetString());
        Assert.Equal("on_demand", run.GetProperty("trigger").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", run.GetProperty("startedAt").GetString());

        var verify = await Cli.RunAsync("verify", "--data", Data);
        Assert.Equal(0, verify.Code);
        Assert.Contains("verified: 1 sealed runs", verify.Out);

        // A second demo appends to the chain.
        Assert.Equal(0, (await Cli.RunAsync("demo", "--data", Data)).Code);
        Assert.Equal(0, (await Cli.RunAsync("verify", "--data", Data)).Code);

        // Both runs, both clouds, exported as a bundle the auditor verifies offline, pinned to the root key.
        var bundle = Path.Combine(_root, "audit.zip");
        var exported = await Cli.RunAsync("export", "--data", Data, "--last", "2", "--out", bundle, "--json");
        Assert.True(exported.Code == 0, exported.Err);
        var exportedJson = JsonDocument.Parse(exported.Out).RootElement;
        Assert.Equal(2, exportedJson.GetProperty("runs").GetArrayLength());
        var root = Json(await Cli.RunAsync("verify", "--data", Data, "--json")).GetProperty("rootKeyId").GetString()!;
        var verifiedBundle = await Cli.RunAsync("verify", bundle, "--trusted-key", root);
        Assert.True(verifiedBundle.Code == 0, verifiedBundle.Out + verifiedBundle.Err);
        Assert.Contains("VERIFIED", verifiedBundle.Out, StringComparison.Ordinal);
        Assert.Contains("runs: 2, sequences 1..2", verifiedBundle.Out, StringComparison.Ordinal);
        var bundleJson = Json(await Cli.RunAsync("verify", bundle, "--json"));
        Assert.True(bundleJson.GetProperty("ok").GetBoolean());
        Assert.True(bundleJson.GetProperty("evidenceFiles").GetInt32() > 100);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(bundle))
        {
            var soa = new StreamReader(zip.GetEntry("soa.csv")!.Open()).ReadToEnd();
            Assert.Equal(94, soa.TrimEnd('\n').Split('\n').Length);
            var report = new StreamReader(zip.GetEntry("report.html")!.Open()).ReadToEnd();
            Assert.Contains("A.8.24", report, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", report, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("http://", report.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        // Re-performance: this version's checks over the bundled raw evidence give the bundled findings.
        var reperformed = await Cli.RunAsync("verify", bundle, "--reevaluate");
        Assert.True(reperformed.Code == 0, reperformed.Out + reperformed.Err);
        Assert.Contains("findings derived from evidence are identical", reperformed.Out, StringComparison.Ordinal);
        var checks = EvidenceCollector.Cli.Infrastructure.ProviderModules.All.SelectMany(m => EvidenceCollector.Providers.CheckDiscovery.Discover(m.CheckAssembly, m.Provider)).ToList();
        var honest = EvidenceCollector.Cli.Infrastructure.Reperformance.Run(bundle, checks, "test");
        Assert.True(honest.Identical, string.Join("\n", honest.Differences));
        Assert.True(honest.Compared > 500, $"{honest.Compared} findings compared");
        // A check whose result would differ (here: one that passes everything) is listed with the resources it changes.
        var lenient = checks.Select(c => c.Metadata.Id == "azure.storage.minimum_tls_1_2" ? new PassEverything(c.Metadata) : c).ToList();
        var changed = EvidenceCollector.Cli.Infrastructure.Reperformance.Run(bundle, lenient, "test");
        Assert.False(changed.Identical);
        Assert.Contains(changed.Differences, d => d.Contains("azure.storage.minimum_tls_1_2 on ", StringComparison.Ordinal) && d.Contains(": fail, which re-performing", StringComparison.Ordinal));
        Assert.All(changed.Differences, d => Assert.Contains("azure.storage.minimum_tls_1_2", d, StringComparison.Ordinal));

        var wrongKey = await Cli.RunAsync("verify", bundle, "--trusted-key", new string('0', 64));
        Assert.Equal(1, wrongKey.Code);
        Assert.Contains("is not the trusted key", wrongKey.Out, StringComparison.Ordinal);
        var noWindow = await Cli.RunAsync("export", "--data", Data);
        Assert.Equal(2, noWindow.Code);
        Assert.Contains("exactly one of --run, --last, or --from/--to", noWindow.Err, StringComparison.Ordinal);
        var noRun = await Cli.RunAsync("export", "--data", Data, "--run", "nope", "--out", Path.Combine(_root, "none.zip"));
        Assert.Equal(1, noRun.Code);
        Assert.False(File.Exists(Path.Combine(_root, "none.zip")));
        Assert.Equal(2, (await Cli.RunAsync("export", "--data", Data, "--from", "yesterday")).Code);

        var victim = Directory.EnumerateFiles(Path.Combine(Data, "objects", "packs")).First();
        var bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(victim, bytes);
        var broken = await Cli.RunAsync("verify", "--data", Data);
        Assert.Equal(1, broken.Code);
        Assert.Contains(Path.GetFileName(victim), broken.Out);
    }

    [Theory]
    [InlineData("""{"subscriptions":[{"id":"s1","displayName":"A"},{"id":"S1","displayName":"B"}]}""", "declared twice")]
    [InlineData("""{"subscriptions":[{"id":"s1","displayName":"A","colour":"red"}]}""", "colour")]
    [InlineData("""{"subscriptions":[""", "azure.json")]
    public async Task Demo_AnInvalidAzureEstateFile_IsRefusedInOneLine_AndNothingIsWritten(string text, string named)
    {
        var file = Path.Combine(_root, "azure.json");
        await File.WriteAllTextAsync(file, text);

        var (code, output, err) = await Cli.RunAsync("demo", "--data", Data, "--azure-estate", file);

        Assert.Equal(2, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("--azure-estate:", line.Replace("evidence: ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Data), output);
    }

    [Fact]
    public async Task Demo_FailOnGate_Exit1_ButRunSealed()
    {
        var (code, _, err) = await Cli.RunAsync("demo", "--data", Data, "--fail-on", "fail");
        Assert.Equal(2, code); // demo has no gate: an unknown flag is a usage error
        Assert.Contains("--fail-on", err);
    }

    [Fact]
    public async Task KilledCollect_StoreVerifies_NextRunSeals()
    {
        // The estate on its own, slow enough to kill the collector mid-run.
        using var estate = Process.Start(Cli.StartInfo(["estate", "serve", "--latency-ms", "150"]))!;
        try
        {
            var endpoint = (await estate.StandardOutput.ReadLineAsync())!.Split(' ')[1];
            var environment = new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL"] = endpoint,
                ["AWS_ACCESS_KEY_ID"] = EvidenceCollector.Estate.Aws.DemoCredentials.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = EvidenceCollector.Estate.Aws.DemoCredentials.SecretAccessKey,
                ["AWS_REGION"] = "us-east-1",
                ["EVIDENCE__Aws__Regions__0"] = "eu-west-1",
                ["EVIDENCE__Aws__CredentialReportPollInterval"] = "00:00:00.100",
            };
            using (var collect = Process.Start(Cli.StartInfo(["collect", "--data", Data], environment))!)
            {
                var stderr = collect.StandardError;
                while (await stderr.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("[1/", StringComparison.Ordinal))
                    {
                        collect.Kill(entireProcessTree: true);
                        break;
                    }
                }

                await collect.WaitForExitAsync();
            }

            var verify = await Cli.RunAsync(["verify", "--data", Data], environment);
            Assert.True(verify.Code == 0, verify.Out + verify.Err);
            var sealedRun = await Cli.RunAsync(["collect", "--data", Data], environment);
            Assert.True(sealedRun.Code == 0, sealedRun.Err);
            var runs = Json(await Cli.RunAsync(["runs", "--data", Data, "--json"], environment));
            Assert.Contains(runs.EnumerateArray(), r => r.GetProperty("status").GetString() == "aborted" && r.GetProperty("reason").GetString()!.Contains("exited before sealing", StringComparison.Ordinal));
            Assert.Contains(runs.EnumerateArray(), r => r.GetProperty("status").GetString() == "sealed");
            Assert.Equal(0, (await Cli.RunAsync(["verify", "--data", Data], environment)).Code);
        }
        finally
        {
            estate.Kill(entireProcessTree: true);
            await estate.WaitForExitAsync();
        }
    }

    private static JsonElement Json((int Code, string Out, string Err) result)
    {
        Assert.True(result.Code == 0, result.Err);
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A stand-in for a check whose logic changed: every item passes.</summary>
    private sealed class PassEverything(EvidenceCollector.Checks.CheckMetadata metadata) : EvidenceCollector.Checks.ICheck
    {
        public EvidenceCollector.Checks.CheckMetadata Metadata { get; } = metadata;

        public IEnumerable<EvidenceCollector.Checks.CheckResult> Evaluate(EvidenceCollector.Checks.CheckInput input) =>
            input.Items.Where(i => Metadata.EvidenceKinds.Contains(i.Kind)).Select(i => EvidenceCollector.Checks.CheckResult.Pass(i, "lenient"));
    }
}
