using System.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Common;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Azure;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;

namespace EvidenceCollector.Benchmarks;

/// <summary>
/// The Azure collectors and pipeline against the emulated Azure estate (HTTPS, the managed-identity token endpoint),
/// in the same shape as the AWS benchmark:
/// `azure`: 10 subscriptions × 500 resources, 20 ms per call: calls, wall time, the latency bound (calls × latency ÷
/// allowed concurrency) and their ratio (goal ≥ 0.8); then `azure-throttle`.
/// `azure-throttle`: one resource provider throttled to R requests/s (429 + Retry-After): achieved rate ÷ R (goal
/// ≥ 0.95) and evidence lost (must be 0).
/// `azure-rss`: peak RSS of the collecting process (the estate in another process) at 1 k, 10 k and 50 k resources
/// (goal: ≤ 1.5× from 1 k to 50 k).
/// </summary>
internal static class AzureBenchmark
{
    private static readonly int Latency = int.TryParse(Environment.GetEnvironmentVariable("BENCH_LATENCY_MS"), out var ms) ? ms : 20;

    public static async Task RunAsync(int subscriptions, int resources, int concurrency)
    {
        var estate = AzureEstate.Generate(subscriptions, resources);
        await using var host = await EstateHost.StartAsync(AzureServices.For(estate));
        host.Switches.Latency = TimeSpan.FromMilliseconds(Latency);
        host.Switches.PageSize = 100;
        Console.WriteLine($"azure benchmark: {subscriptions} subscriptions × {resources} resources, {Latency} ms per call, page size 100, allowed concurrency {concurrency} ARM calls");
        var (wall, api, outcome, limiter) = await CollectAsync(host, estate, concurrency);
        var calls = limiter.Entered;
        var bound = TimeSpan.FromMilliseconds(calls * (double)Latency / concurrency);
        Console.WriteLine($"fan-out: {calls} ARM calls; plan + collect + store {api.TotalSeconds:F1} s (ratio bound/that {bound / api:F2}, goal >= 0.8); whole run incl. checks and seal {wall.TotalSeconds:F1} s (ratio {bound / wall:F2}); lower bound {bound.TotalSeconds:F1} s; {outcome.Seal?.Evidence} evidence, {outcome.TotalFindings} findings, {outcome.FindingCount(FindingStatus.Error)} error");
        Console.WriteLine($"  per call: {limiter.Held.TotalMilliseconds / calls:F1} ms holding a slot (nominal {Latency} ms)");
    }

    /// <summary>Storage accounts (a list page per 100 and one blob-service read each) with Microsoft.Storage held to <paramref name="rate"/> requests/s.</summary>
    public static async Task ThrottleAsync(int rate, int accounts, int concurrency)
    {
        var estate = AzureEstate.Generate(1, accounts * 5);
        var expected = estate.Subscriptions[0].Resources.Count(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts");
        await using var host = await EstateHost.StartAsync(AzureServices.For(estate));
        host.Switches.PageSize = 100;
        SetIdentity(host, estate);
        using var services = Services(host, estate, concurrency, out var ca);
        try
        {
            var reader = services.GetRequiredService<ArmReader>();
            var collector = new EvidenceCollector.Collectors.Azure.Storage.StorageCollector(reader);
            var target = new CollectionContext(new Target(Provider.Azure, estate.Subscriptions[0].Id, Target.Global), null);
            await reader.GetAsync($"/subscriptions/{estate.Subscriptions[0].Id}", "2022-12-01", CancellationToken.None); // the token, outside the measure
            host.Switches.SetThrottle("Microsoft.Storage", rate, Math.Max(1, rate / 5));
            host.Stats.Reset();
            var watch = Stopwatch.StartNew();
            var result = await collector.CollectAsync(target, CancellationToken.None);
            var wall = watch.Elapsed;
            var admitted = host.Stats.TotalCalls - host.Stats.Throttled;
            var lost = expected - result.Records.Count + result.Records.Count(r => r.Payload["related"]?["blobServices"]?["error"] is not null);
            var governor = services.GetRequiredKeyedService<AdaptiveRateGovernor>(AzureServiceCollectionExtensions.ServiceKey);
            Console.WriteLine($"throttle: Microsoft.Storage at {rate} requests/s (burst {Math.Max(1, rate / 5)}, 429 + Retry-After), {expected} accounts, concurrency {concurrency}: {admitted} calls admitted in {wall.TotalSeconds:F1} s = {admitted / wall.TotalSeconds:F1}/s ({admitted / wall.TotalSeconds / rate:F2} of the limit, goal >= 0.95); {host.Stats.Throttled} answered 429; {governor.Cuts} rate cuts; evidence lost {lost} (goal 0); {result.Errors.Count} errors");
        }
        finally
        {
            File.Delete(ca);
        }
    }

    public static async Task RssAsync(int[] totals, int concurrency)
    {
        foreach (var total in totals)
        {
            var self = Environment.ProcessPath!;
            var dll = typeof(AzureBenchmark).Assembly.Location;
            using var estate = Process.Start(BenchmarkSupport.Start(self, dll, "azure-estate", $"10x{total / 10}"))!;
            var endpoint = (await estate.StandardOutput.ReadLineAsync())!.Trim();
            var pem = await estate.StandardOutput.ReadLineAsync();
            using var collector = Process.Start(BenchmarkSupport.Start(self, dll, "azure-collect", endpoint, pem!, $"10x{total / 10}", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
            var output = await collector.StandardOutput.ReadToEndAsync();
            await collector.WaitForExitAsync();
            estate.Kill();
            await estate.WaitForExitAsync();
            Console.WriteLine($"rss at {total} resources (10 subscriptions x {total / 10}): {output.Trim()}");
        }
    }

    /// <summary>Serves a generated estate; prints its HTTP base URL, then its certificate file, then waits.</summary>
    public static async Task ServeEstateAsync(string spec)
    {
        var parts = spec.Split('x').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var estate = AzureEstate.Generate(parts[0], parts[1]);
        await using var host = await EstateHost.StartAsync(AzureServices.For(estate));
        host.Switches.PageSize = 100;
        var pem = Path.Combine(Path.GetTempPath(), $"bench-azure-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, host.CertificatePem);
        Console.WriteLine(host.HttpBaseUrl + " " + host.HttpsBaseUrl);
        Console.WriteLine(pem);
        await Task.Delay(Timeout.Infinite);
    }

    /// <summary>The collecting process of `azure-rss`: one run against the estate at <paramref name="endpoints"/>; prints peak RSS.</summary>
    public static async Task CollectOnlyAsync(string endpoints, string pem, string spec, int concurrency)
    {
        var parts = spec.Split('x').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var urls = endpoints.Split(' ');
        var estate = new AzureEstate();
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(new Uri(urls[0]), AzureServices.TokenPath).ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", estate.IdentityHeader);
        using var services = Services(new Uri(urls[1]), pem, concurrency);
        using var store = EvidenceStore.OpenOrCreate(Temp());
        var phases = new AwsBenchmark.PhaseClock();
        var peaks = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peaks.AddOrUpdate(phases.Current, BenchmarkSupport.RssMiB(), (_, v) => Math.Max(v, BenchmarkSupport.RssMiB()));
                await Task.Delay(200, CancellationToken.None);
            }
        });
        var watch = Stopwatch.StartNew();
        phases.Start();
        var outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "bench", RunScope.All), phases, CancellationToken.None);
        sampling.Cancel();
        await sampler;
        Console.WriteLine($"collected {outcome.Seal?.Evidence} evidence ({parts[0] * parts[1]} resources), {outcome.TotalFindings} findings, {outcome.FindingCount(FindingStatus.Error)} error in {watch.Elapsed.TotalSeconds:F1} s; peak RSS {BenchmarkSupport.PeakRssMiB():F0} MiB (by phase: {string.Join(", ", peaks.Select(p => $"{p.Key} {p.Value:F0}"))})");
    }

    private static async Task<(TimeSpan Wall, TimeSpan Api, RunOutcome Outcome, CallLimiter Limiter)> CollectAsync(EstateHost host, AzureEstate estate, int concurrency)
    {
        SetIdentity(host, estate);
        using var services = Services(host, estate, concurrency, out var ca);
        try
        {
            using var store = EvidenceStore.OpenOrCreate(Temp());
            var limiter = services.GetRequiredKeyedService<CallLimiter>(AzureServiceCollectionExtensions.ServiceKey);
            var phases = new AwsBenchmark.PhaseClock();
            var watch = Stopwatch.StartNew();
            phases.Start();
            var outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "bench", RunScope.All), phases, CancellationToken.None);
            return (watch.Elapsed, phases.Until("evaluating"), outcome, limiter);
        }
        finally
        {
            File.Delete(ca);
        }
    }

    private static void SetIdentity(EstateHost host, AzureEstate estate)
    {
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(host.HttpBaseUrl, AzureServices.TokenPath).ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", estate.IdentityHeader);
    }

    private static ServiceProvider Services(EstateHost host, AzureEstate estate, int concurrency, out string ca)
    {
        ca = Path.Combine(Path.GetTempPath(), $"bench-azure-{Guid.NewGuid():N}.pem");
        File.WriteAllText(ca, host.CertificatePem);
        return Services(host.HttpsBaseUrl, ca, concurrency);
    }

    private static ServiceProvider Services(Uri endpoint, string ca, int concurrency)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:MaxConcurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Azure:Enabled"] = "true",
            ["Azure:ResourceManagerEndpoint"] = endpoint.ToString(),
            ["Azure:CaCertificateFile"] = ca,
            ["Azure:MaxConcurrentCalls"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddFilter(_ => false));
        services.AddEvidencePipeline(configuration);
        EvidenceCollector.Cli.Hosting.NativeHeapTrimHook.Register(services);
        services.AddSingleton(new RunEnvironment("bench", "bench"));
        var module = new AzureProviderModule();
        module.AddServices(services, configuration);
        services.AddSingleton<TokenCredential>(new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned));
        services.AddSingleton<EvidenceCollector.Providers.IProviderModule>(module);
        services.AddSingleton(sp => new EvidenceCollector.Providers.ProviderRegistry(sp.GetServices<EvidenceCollector.Providers.IProviderModule>(), configuration));
        // The mapping rows name every provider's checks: validate them against all of them, as the executable does.
        services.AddSingleton(_ => BenchmarkSupport.Mapping());
        return services.BuildServiceProvider();
    }

    private static string Temp() => Directory.CreateTempSubdirectory("bench-azure-").FullName;

}
