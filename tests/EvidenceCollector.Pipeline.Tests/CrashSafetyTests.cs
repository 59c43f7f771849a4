using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Model;
using EvidenceCollector.Store;
using EvidenceCollector.TestHost;

namespace EvidenceCollector.Pipeline.Tests;

/// <summary>
/// A child process (the test host over the real store and pipeline) killed with SIGKILL during
/// collection or during sealing leaves a store that verifies; the interrupted run is marked aborted by
/// the next writer, and the next run seals.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ec-crash-").FullName;

    public CrashSafetyTests() => TestMappings.Write(Path.Combine(_root, "mappings"), TestMappings.RepositoryMappings());

    private string Data => Path.Combine(_root, "data");

    [Theory]
    [InlineData("hang-collect", "COLLECTED")]
    [InlineData("hang-seal", "SIGNING")]
    public async Task KilledChild_StoreVerifies_RunAbortedByNextWriter_NextRunSeals(string mode, string killAt)
    {
        // A sealed run first, so the chain has something to protect.
        Assert.Equal("SEALED 1", (await RunChildAsync("normal", "SEALED", kill: false)).Last());
        var lines = await RunChildAsync(mode, killAt, kill: true);
        Assert.Contains(lines, l => l.StartsWith(killAt, StringComparison.Ordinal));

        using (var reader = EvidenceStore.OpenReadOnly(Data))
        {
            var report = Verifier.Verify(reader);
            Assert.True(report.Ok, report.Problem);
            Assert.Equal(1, report.SealedRuns);
            Assert.Single(reader.Runs(), r => r.Status == RunStatus.Running);
        }

        var behaviour = new WidgetBehaviour();
        behaviour.Widgets[("111111111111", "eu-west-1")] = new() { ["z"] = true };
        using var services = TestPipeline.Build(behaviour, Path.Combine(_root, "mappings"));
        using (var store = EvidenceStore.OpenOrCreate(Data))
        {
            var outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "after-crash", RunScope.All), null, CancellationToken.None);
            Assert.Equal(RunStatus.Sealed, outcome.Status);
            Assert.Equal(2, outcome.Seal!.Sequence);
            var aborted = Assert.Single(store.Runs(), r => r.Status == RunStatus.Aborted);
            Assert.Contains("exited before sealing", aborted.Reason);
        }

        using var final = EvidenceStore.OpenReadOnly(Data);
        var finalReport = Verifier.Verify(final);
        Assert.True(finalReport.Ok, finalReport.Problem);
        Assert.Equal(2, finalReport.SealedRuns);
    }

    private async Task<List<string>> RunChildAsync(string mode, string waitFor, bool kill)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "EvidenceCollector.TestHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host, Data, Path.Combine(_root, "mappings"), mode })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (line.StartsWith(waitFor, StringComparison.Ordinal))
            {
                if (kill)
                {
                    process.Kill(entireProcessTree: true); // SIGKILL on Unix
                }

                break;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.True(lines.Any(l => l.StartsWith(waitFor, StringComparison.Ordinal)), $"child never printed {waitFor}: {string.Join(" | ", lines)} {await process.StandardError.ReadToEndAsync()}");
        return lines;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
