using System.Diagnostics;

namespace EvidenceCollector.Cli.Tests;

/// <summary>
/// The verifier for auditors with only a laptop: the CLI published as one self-contained linux-x64 file (mappings
/// embedded), copied alone into an empty folder with a bundle, verifies it and re-performs its checks.
/// </summary>
public sealed class SingleFileVerifierTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ec-single-").FullName;

    [Fact]
    public async Task SingleFilePublish_VerifiesABundle_WithNothingElseInTheFolder()
    {
        var publish = Path.Combine(_root, "publish");
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(Repo.Root(), "src", "EvidenceCollector.Cli"), "-c", "Release", "-r", "linux-x64", "--self-contained",
            "-p:PublishSingleFile=true", "-p:IncludeAllContentForSelfExtract=true", "-p:DebugType=none", "-o", publish])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var process = Process.Start(start)!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), "dotnet publish did not finish in 8 minutes");
            Assert.True(process.ExitCode == 0, await output + await errors);
        }

        var data = Path.Combine(_root, "data");
        Assert.Equal(0, (await Cli.RunAsync("demo", "--data", data)).Code);
        var bundle = Path.Combine(_root, "audit.zip");
        Assert.Equal(0, (await Cli.RunAsync("export", "--data", data, "--last", "1", "--out", bundle)).Code);

        var laptop = Directory.CreateDirectory(Path.Combine(_root, "laptop")).FullName;
        File.Copy(Path.Combine(publish, "evidence"), Path.Combine(laptop, "evidence"));
        File.Copy(bundle, Path.Combine(laptop, "audit.zip"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(laptop, "evidence"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Assert.Equal(["audit.zip", "evidence"], Directory.GetFiles(laptop).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var verify = new ProcessStartInfo(Path.Combine(laptop, "evidence"), ["verify", "audit.zip", "--reevaluate"]) { WorkingDirectory = laptop, RedirectStandardOutput = true, RedirectStandardError = true };
        verify.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_root, "extract");
        using var verifier = Process.Start(verify)!;
        var stdout = await verifier.StandardOutput.ReadToEndAsync();
        var stderr = await verifier.StandardError.ReadToEndAsync();
        await verifier.WaitForExitAsync();
        Assert.True(verifier.ExitCode == 0, stdout + stderr);
        Assert.Contains("VERIFIED", stdout, StringComparison.Ordinal);
        Assert.Contains("findings derived from evidence are identical", stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
