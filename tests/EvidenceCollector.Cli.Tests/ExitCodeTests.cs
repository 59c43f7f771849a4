using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Tests;

/// <summary>Exit codes and one-line messages for bad arguments, bad config, bad cron, bad input.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ec-cli-").FullName;

    [Fact]
    public async Task UnknownFlag_Exit2_OneLineNoStackTrace()
    {
        var (code, _, err) = await Cli.RunAsync("collect", "--no-such-flag");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-flag", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task NoVerb_Exit2()
    {
        var (code, _, err) = await Cli.RunAsync();
        Assert.Equal(2, code);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task BadConfigValue_Exit2_NamesKey()
    {
        var config = Write("bad.json", """{ "Pipeline": { "MaxConcurrency": 0 } }""");
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", config, "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("Pipeline:MaxConcurrency", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task UnconvertibleConfigValue_Exit2_NamesKey()
    {
        var config = Write("bad.json", """{ "Pipeline": { "MaxConcurrency": "lots" } }""");
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", config, "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("Pipeline:MaxConcurrency", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task BadCron_Exit2_NamesScheduleKey()
    {
        var config = Write("cron.json", """{ "Schedules": { "nightly": { "Cron": "0 0 25 * * ?" } } }""");
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", config, "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("Schedules:nightly:Cron: '0 0 25 * * ?' is not a valid Quartz cron expression", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task BadCron_RunRefusesToStart_Exit2()
    {
        var config = Write("cron.json", """{ "Schedules": { "nightly": { "Cron": "every night" } } }""");
        var (code, _, err) = await Cli.RunAsync("run", "--config", config, "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("Schedules:nightly:Cron", err);
        Assert.False(Directory.Exists(Path.Combine(_root, "d")), "a refused start must leave no partial state");
    }

    [Fact]
    public async Task BadMisfirePolicy_Exit2_NamesKey()
    {
        var config = Write("misfire.json", """{ "Schedules": { "nightly": { "Cron": "0 0 2 * * ?", "Misfire": "sometimes" } } }""");
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", config, "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("Schedules:nightly:Misfire: 'sometimes' is not one of fire_once, skip, fire_all", err);
    }

    [Fact]
    public async Task BadAwsRoleArn_Exit2_NamesKey()
    {
        var config = Write("aws.json", """{ "Aws": { "Accounts": [ { "RoleArn": "not-an-arn" } ] } }""");
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", config, "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("Aws:Accounts:0:RoleArn", err);
    }

    [Fact]
    public async Task MissingConfigFile_Exit2()
    {
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", Path.Combine(_root, "nope.json"));
        Assert.Equal(2, code);
        Assert.Contains("--config", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task MalformedConfigFile_Exit2()
    {
        var config = Write("broken.json", "{ \"Pipeline\": ");
        var (code, _, err) = await Cli.RunAsync("config", "check", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("broken.json", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task FolderThatIsNotAStore_Exit2()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "photos")).FullName;
        File.WriteAllText(Path.Combine(folder, "cat.jpg"), "meow");
        foreach (var verb in new[] { new[] { "verify" }, ["findings"], ["runs"], ["collect", "--provider", "aws"] })
        {
            var (code, _, err) = await Cli.RunAsync([.. verb, "--data", folder], null);
            Assert.Equal(2, code);
            Assert.Contains("is not an evidence store", err);
            AssertOneLineNoStack(err);
        }

        Assert.Equal(["cat.jpg"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task BadMappingRow_Exit2_NamesFileAndLine()
    {
        var mappings = Path.Combine(_root, "m");
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "mappings"), mappings);
        var file = Path.Combine(mappings, "iso27001-2022", "check-controls.csv");
        File.AppendAllText(file, "aws.iam.root_mfa_enabled,A.8.99,a control that does not exist\n");
        var line = File.ReadAllLines(file).Length;
        var (code, _, err) = await Cli.RunAsync("mappings", "validate", "--mappings", mappings);
        Assert.Equal(2, code);
        Assert.Contains($"{file}:{line}: unknown control id 'A.8.99'", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task UnknownControlFlag_Exit2()
    {
        var (code, _, err) = await Cli.RunAsync("collect", "--control", "A.9.1", "--data", Path.Combine(_root, "d"));
        Assert.Equal(2, code);
        Assert.Contains("--control", err);
    }

    [Fact]
    public async Task RunOfOverlappingScopeInProgress_Exit3_NamesRun()
    {
        var data = Path.Combine(_root, "busy");
        using var store = EvidenceStore.OpenOrCreate(data);
        using var running = store.BeginRun(new RunStart(RunTrigger.Scheduled, "schedule:nightly", RunScope.All, "t", "c"));
        var (code, _, err) = await Cli.RunAsync("collect", "--provider", "aws", "--data", data);
        Assert.Equal(3, code);
        Assert.Contains($"run {running.RunId}", err);
        AssertOneLineNoStack(err);
    }

    [Fact]
    public async Task Collect_ProviderThatCannotRun_Exit2_SaysWhatToConfigure_SealsNothing()
    {
        var data = Path.Combine(_root, "az");
        var (code, _, err) = await Cli.RunAsync("collect", "--provider", "azure", "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("--provider azure: not configured", err);
        AssertOneLineNoStack(err);
        Assert.False(Directory.Exists(data), "a refused collect must leave no store behind");

        var (off, _, offErr) = await Cli.RunAsync(["collect", "--provider", "aws", "--data", data], new Dictionary<string, string> { ["EVIDENCE__Aws__Enabled"] = "false" });
        Assert.Equal(2, off);
        Assert.Contains("Aws:Enabled", offErr);
        Assert.False(Directory.Exists(data));

        var (none, _, noneErr) = await Cli.RunAsync(["collect", "--data", data], new Dictionary<string, string> { ["EVIDENCE__Aws__Enabled"] = "false" });
        Assert.Equal(2, none);
        Assert.Contains("no provider is configured", noneErr);
    }

    [Fact]
    public async Task Collect_NoTargetEvaluated_Exit1_WithTheReason_RunStillSealed()
    {
        // No credentials anywhere (the test environment blanks them and disables IMDS): planning fails.
        var data = Path.Combine(_root, "nocreds");
        var (code, _, err) = await Cli.RunAsync(["collect", "--provider", "aws", "--data", data], new Dictionary<string, string> { ["AWS_PROFILE"] = "no-such-profile", ["HOME"] = _root }, TimeSpan.FromMinutes(2));
        Assert.Equal(1, code);
        Assert.Contains("no target could be evaluated", err);
        var runs = await Cli.RunAsync("runs", "--data", data, "--json");
        Assert.Contains("\"sealed\"", runs.Out);
    }

    [Fact]
    public async Task Health_NoHeartbeat_Exit1_FreshHeartbeat_Exit0()
    {
        var data = Path.Combine(_root, "h");
        using (var store = EvidenceStore.OpenOrCreate(data))
        {
            Assert.Equal(1, (await Cli.RunAsync("health", "--data", data)).Code);
            store.Beat("scheduler", "idle");
        }

        var (code, output, _) = await Cli.RunAsync("health", "--data", data);
        Assert.Equal(0, code);
        Assert.Contains("healthy", output);
        Assert.Equal(2, (await Cli.RunAsync("health", "--data", Path.Combine(_root, "missing"))).Code);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertOneLineNoStack(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Unhandled exception", err);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
