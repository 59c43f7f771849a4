using System.Diagnostics;
using System.Text.Json.Nodes;
using EvidenceCollector.Bundles;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Benchmarks;

/// <summary>
/// `bundle [MiB...]` (default 100 and 1024): a store sealed with that much evidence payload, then `export` and
/// `verify` of the whole window, each in its own process (peak RSS of that process), against the machine's
/// `sha256sum` and `gzip -1` over the same payload bytes, one after the other (baseline time = the sum). Goals: export
/// and verify each at ≥ 0.7 of the baseline's rate; RSS flat (≤ 1.5× from 100 MiB to 1 GiB).
/// </summary>
internal static class BundleBenchmark
{
    public static async Task RunAsync(int[] sizes)
    {
        foreach (var mib in sizes)
        {
            var root = Directory.CreateTempSubdirectory("bench-bundle-").FullName;
            try
            {
                var data = Path.Combine(root, "data");
                var (payloads, bytes) = Seed(data, mib * 1024L * 1024);
                var packs = Path.Combine(data, "objects", "packs");
                var bundle = Path.Combine(root, "bundle.zip");
                var self = Environment.ProcessPath!;
                var dll = typeof(BundleBenchmark).Assembly.Location;
                var export = await ChildAsync(self, dll, "bundle-export", data, bundle);
                var verify = await ChildAsync(self, dll, "bundle-verify", bundle);
                if (Environment.GetEnvironmentVariable("BENCH_KEEP_BUNDLE") is { Length: > 0 } keep)
                {
                    File.Copy(bundle, Path.Combine(keep, $"bundle-{mib}.zip"), overwrite: true);
                }
                var sha = await ShellAsync($"cat {packs}/* | sha256sum > /dev/null");
                var gzip = await ShellAsync($"cat {packs}/* | gzip -1 > /dev/null");
                var baseline = sha + gzip;
                var rate = bytes / 1048576.0 / baseline.TotalSeconds;
                Console.WriteLine($"bundle at {bytes / 1048576.0:F0} MiB of payloads ({payloads} payloads; bundle {new FileInfo(bundle).Length / 1048576.0:F0} MiB): baseline sha256sum {sha.TotalSeconds:F1} s + gzip -1 {gzip.TotalSeconds:F1} s = {rate:F0} MiB/s");
                Console.WriteLine($"  export: {export.Output}; {bytes / 1048576.0 / export.Wall.TotalSeconds:F0} MiB/s = {bytes / 1048576.0 / export.Wall.TotalSeconds / rate:F2} of the baseline (goal >= 0.7)");
                Console.WriteLine($"  verify: {verify.Output}; {bytes / 1048576.0 / verify.Wall.TotalSeconds:F0} MiB/s = {bytes / 1048576.0 / verify.Wall.TotalSeconds / rate:F2} of the baseline (goal >= 0.7)");
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>A child process: `bundle-export DATA OUT`.</summary>
    public static void Export(string data, string output)
    {
        using var store = EvidenceStore.OpenOrCreate(data);
        var (signer, _) = SignerFactory.Resolve(store, new SigningOptions());
        var mappings = BenchmarkSupport.Mappings();
        var mapping = BenchmarkSupport.Mapping();
        using var file = new FileStream(output, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        var watch = Stopwatch.StartNew();
        var result = BundleExporter.Export(store, signer, mapping, mappings, "bench", new ExportRequest { Last = 1 }, file, p => Console.Error.WriteLine($"  [{watch.Elapsed.TotalSeconds,6:F1} s] export: {p}"));
        Console.WriteLine($"{result.Files} files, peak RSS {BenchmarkSupport.PeakRssMiB():F0} MiB");
    }

    /// <summary>A child process: `bundle-open FILE`: what merely opening the zip's directory costs.</summary>
    public static void Open(string bundle)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(bundle);
        Console.WriteLine($"{zip.Entries.Count} entries, peak RSS {BenchmarkSupport.PeakRssMiB():F0} MiB");
    }

    /// <summary>A child process: `bundle-verify FILE`.</summary>
    public static void Verify(string bundle)
    {
        var report = BundleVerifier.Verify(bundle);
        Console.WriteLine($"{(report.Ok ? "verified" : "FAILED: " + report.Problems[0])}, {report.EvidenceFiles} evidence files, peak RSS {BenchmarkSupport.PeakRssMiB():F0} MiB");
    }

    private static (int Payloads, long Bytes) Seed(string data, long target)
    {
        var random = new Random(42);
        long bytes = 0;
        var payloads = 0;
        using var store = EvidenceStore.OpenOrCreate(data);
        using var writer = store.BeginRun(new RunStart(RunTrigger.OnDemand, "bench", RunScope.All, "bench", "cfg"));
        var findings = new List<Finding>();
        while (bytes < target)
        {
            var payload = new JsonObject
            {
                ["VolumeId"] = $"vol-{payloads:x8}",
                ["Size"] = random.Next(8, 2000),
                ["KmsKeyId"] = $"arn:aws:kms:eu-west-1:111111111111:key/{Guid.NewGuid()}",
                ["Tags"] = new JsonArray(Enumerable.Range(0, 30).Select(t => (JsonNode)new JsonObject { ["Key"] = $"tag-{t}", ["Value"] = Convert.ToHexString(random.GetItems<byte>(new byte[256], 40)) }).ToArray()),
            };
            var resource = $"arn:aws:ec2:eu-west-1:111111111111:volume/vol-{payloads:x8}";
            var i = payloads;
            var hash = writer.AddEvidence(Canonical.Jcs.Canonicalize(payload), h => new Envelope(writer.RunId, Provider.Aws, "111111111111", "eu-west-1", "eu-west-1", "aws.ec2.volume", resource, h, "ec2", ["DescribeVolumes"], null, $"req-{i}", DateTimeOffset.UnixEpoch, "bench"));
            bytes += Canonical.Jcs.Canonicalize(payload).Length;
            findings.Add(new Finding
            {
                RunId = writer!.RunId, CheckId = "aws.ec2.volume_encrypted", Title = "Volume encrypted", Provider = Provider.Aws, Account = "111111111111", Region = "eu-west-1",
                ResourceId = resource, Status = payloads % 3 == 0 ? FindingStatus.Fail : FindingStatus.Pass, Severity = Severity.High, Message = "volume encryption", Evidence = [hash], Controls = ["A.8.24"],
            });
            payloads++;
        }

        var (signer, previous) = SignerFactory.Resolve(store, new SigningOptions());
        writer.Seal(findings, [new ControlResult("A.8.24", ControlStatus.NonCompliant, 1, 1, 0, 0, ["aws.ec2.volume_encrypted"])], signer, previous);
        return (payloads, bytes);
    }

    private static async Task<(TimeSpan Wall, string Output)> ChildAsync(string self, string dll, params string[] args)
    {
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(dll);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (watch.Elapsed, $"{watch.Elapsed.TotalSeconds:F1} s, {output.Trim()}");
    }

    private static async Task<TimeSpan> ShellAsync(string command)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return watch.Elapsed;
    }

}
