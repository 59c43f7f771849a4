using System.Diagnostics;
using System.Text.Json;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>Runs the real <c>aws</c> CLI against the estate: an independent parser of its answers.</summary>
internal static class AwsCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    public static async Task<Result> RunAsync(Uri endpoint, string region, params string[] args)
    {
        var exe = FindOnPath("aws")
            ?? throw new InvalidOperationException("The aws CLI is not installed (not found on PATH); these tests need it as an independent parser of the estate's answers.");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args.Concat(["--endpoint-url", endpoint.ToString().TrimEnd('/'), "--region", region, "--output", "json"]))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["AWS_ACCESS_KEY_ID"] = DemoCredentials.AccessKeyId;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = DemoCredentials.SecretAccessKey;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment["AWS_MAX_ATTEMPTS"] = "1";
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start aws");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
