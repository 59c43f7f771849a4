using System.Diagnostics;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Aws;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;

namespace EvidenceCollector.Benchmarks;

/// <summary>
/// `aws`: the real AWS collectors and pipeline against the emulated estate.
/// 1. 5 accounts × 4 regions × 1 000 resources, 20 ms per call: calls, wall time, the lower bound
///    (calls × latency ÷ allowed concurrency), their ratio; and a naive sequential run on a sample (one
///    account, one region), scaled by calls.
/// 2. A throttle of R requests/s per service: achieved rate ÷ R and evidence lost.
/// `aws-rss`: peak RSS of the collector process (the estate in another process) at 1 k, 10 k, 100 k resources.
/// </summary>
internal static class AwsBenchmark
{
    private static readonly bool Timeline = Environment.GetEnvironmentVariable("BENCH_TIMELINE") == "1";
    private static readonly int Latency = int.TryParse(Environment.GetEnvironmentVariable("BENCH_LATENCY_MS"), out var ms) ? ms : 20;

    public static async Task RunAsync(int accounts, int regions, int resources, int concurrency, bool sequential = true)
    {
        var estate = EstateDefinition.Generate(accounts, regions, resources);
        var switches = new EstateSwitches { Latency = TimeSpan.FromMilliseconds(Latency), PageSize = 100 };
        await using var server = await EstateServer.StartAsync(estate, switches, 0, CancellationToken.None);
        Console.WriteLine($"aws benchmark: {accounts} accounts × {regions} regions × {resources} resources, {Latency} ms per call, page size {switches.PageSize}, allowed concurrency {concurrency} API calls");

        // Fan-out run.
        server.Stats.Reset();
        var phases = new PhaseClock();
        var (wall, outcome) = await CollectAsync(server, Temp(), concurrency, RunScope.All, phases);
        var calls = server.Stats.TotalCalls;
        var bound = TimeSpan.FromMilliseconds(calls * (double)Latency / concurrency);
        var api = phases.Until("evaluating");
        Console.WriteLine($"phases: planning done at {phases.Until("collecting").TotalSeconds:F1} s, collection done at {api.TotalSeconds:F1} s, checks done at {phases.Until("sealing").TotalSeconds:F1} s, sealed at {wall.TotalSeconds:F1} s");
        Console.WriteLine($"fan-out: {calls} API calls; plan + collect + store {api.TotalSeconds:F1} s (ratio bound/that {bound / api:F2}, goal >= 0.8); whole run incl. checks and seal {wall.TotalSeconds:F1} s (ratio {bound / wall:F2}); lower bound {bound.TotalSeconds:F1} s; {outcome.Seal?.Evidence} evidence, {outcome.TotalFindings} findings, {outcome.FindingCount(FindingStatus.Error)} error");

        if (!sequential)
        {
            return;
        }

        // Naive sequential mode on a sample: one account, one region, one call at a time.
        server.Stats.Reset();
        var sample = new RunScope { Accounts = [estate.Accounts[0].Id], Regions = [estate.Accounts[0].EnabledRegions[0]] };
        var (sequentialWall, _) = await CollectAsync(server, Temp(), 1, sample);
        var sampleCalls = server.Stats.TotalCalls;
        var scaled = sequentialWall * ((double)calls / sampleCalls);
        Console.WriteLine($"sequential sample: {sampleCalls} calls in {sequentialWall.TotalSeconds:F1} s; scaled to {calls} calls: {scaled.TotalSeconds:F0} s; fan-out is {scaled / wall:F1}x faster (goal >= 10x)");
    }

    /// <summary>The fan-out run with the estate in its own process (calls counted by the client's limiter).</summary>
    public static async Task RunSeparateAsync(int accounts, int regions, int resources, int concurrency)
    {
        var self = Environment.ProcessPath!;
        var dll = typeof(AwsBenchmark).Assembly.Location;
        using var estate = Process.Start(BenchmarkSupport.Start(self, dll, "estate", $"{accounts}x{regions}x{resources}", Latency.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        try
        {
            var endpoint = new Uri((await estate.StandardOutput.ReadLineAsync())!.Trim());

            // AWS is warm; a freshly started estate is not (its first requests JIT its code paths). A throwaway
            // collection from another process warms the estate without warming the process being measured.
            var warmup = BenchmarkSupport.Start(self, dll, "aws-collect", endpoint.ToString(), concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var first = EstateDefinition.Generate(accounts, regions, 1).Accounts[0];
            warmup.Environment["BENCH_ACCOUNTS"] = first.Id;
            warmup.Environment["BENCH_REGIONS"] = first.EnabledRegions[0];
            using (var warm = Process.Start(warmup)!)
            {
                await warm.StandardOutput.ReadToEndAsync();
                await warm.WaitForExitAsync();
            }

            using var services = Services(endpoint, concurrency);
            using var store = EvidenceStore.OpenOrCreate(Temp());
            var limiter = services.GetRequiredKeyedService<EvidenceCollector.Collectors.Common.CallLimiter>(AwsServiceCollectionExtensions.ServiceKey);
            var phases = new PhaseClock();
            var watch = Stopwatch.StartNew();
            phases.Start();
            RunOutcome outcome;
            await using (var inFlight = InFlightSampler.Start(limiter))
            {
                outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "bench", RunScope.All), phases, CancellationToken.None);
            }

            var wall = watch.Elapsed;
            var calls = limiter.Entered;
            var bound = TimeSpan.FromMilliseconds(calls * (double)Latency / concurrency);
            var api = phases.Until("evaluating");
            Console.WriteLine($"estate in its own process: {calls} API calls; plan + collect + store {api.TotalSeconds:F1} s (ratio bound/that {bound / api:F2}); whole run {wall.TotalSeconds:F1} s (ratio {bound / wall:F2}); lower bound {bound.TotalSeconds:F1} s; {outcome.TotalFindings} findings, {outcome.FindingCount(FindingStatus.Error)} error");
            Console.WriteLine($"  on the wire: {limiter.Held.TotalMilliseconds / calls:F1} ms per call on average (nominal latency {Latency} ms); slots busy {limiter.Held / (api * concurrency):P0} of plan + collect + store");
        }
        finally
        {
            estate.Kill();
            await estate.WaitForExitAsync();
        }
    }

    /// <summary>
    /// `aws-wire`: the time a call holds its slot with nothing else running — the same SDK client and limiter as
    /// a collection, <paramref name="calls"/> STS GetCallerIdentity calls, <paramref name="concurrency"/> at a
    /// time, against the in-process estate. The fan-out's time per call minus this is what the pipeline's own
    /// CPU work costs the calls on the wire.
    /// </summary>
    public static async Task WireAsync(int concurrency, int calls)
    {
        var estate = EstateDefinition.Generate(1, 1, 1);
        await using var server = await EstateServer.StartAsync(estate, new EstateSwitches { Latency = TimeSpan.FromMilliseconds(Latency) }, 0, CancellationToken.None);
        using var services = Services(server.BaseUrl, concurrency);
        var clients = services.GetRequiredService<EvidenceCollector.Collectors.Aws.Api.AwsClients>();
        var limiter = services.GetRequiredKeyedService<EvidenceCollector.Collectors.Common.CallLimiter>(AwsServiceCollectionExtensions.ServiceKey);
        var credentials = new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey);
        using var sts = clients.Sts(credentials, "us-east-1");
        async Task Run(int n) => await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, ct) =>
            await sts.GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), ct));
        await Run(concurrency * 20);
        var (held, entered, answered, answeredTime) = (limiter.Held, limiter.Entered, server.Stats.Answered, server.Stats.AnsweredTime);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Run(calls);
        var wall = watch.Elapsed;
        var n = limiter.Entered - entered;
        Console.WriteLine($"wire: {n} calls, {concurrency} at a time, {Latency} ms per call: {(limiter.Held - held).TotalMilliseconds / n:F1} ms holding a slot, {(server.Stats.AnsweredTime - answeredTime).TotalMilliseconds / (server.Stats.Answered - answered):F1} ms in the estate; {wall.TotalSeconds:F1} s against a bound of {n * (double)Latency / concurrency / 1000:F1} s; {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / n:F0} µs CPU per call (client and estate)");
    }

    public static async Task ThrottleAsync(int rate, int resources, int concurrency)
    {
        Console.WriteLine($"throttle: {rate} requests/s per service (burst {Math.Max(1, rate / 5)}), 1 account × 1 region, concurrency {concurrency}");

        // Each service gets an estate big enough for ~1 000 admitted calls (IAM ~2 per resource, S3 ~0.8, KMS
        // ~0.24: about 2.5 calls per key and a key per 10 resources), so the achieved rate is read over a window of
        // ~20 s, not over the opening burst. Each runs with adaptive rate limiting (the default) and without it.
        foreach (var (collector, scale, adaptive) in new[] { ("iam", 2, true), ("kms", 14, true), ("s3", 4, true), ("iam", 2, false), ("kms", 14, false), ("s3", 4, false) })
        {
            var estate = EstateDefinition.Generate(1, 1, resources * scale);
            var switches = new EstateSwitches { PageSize = 100 };
            await using var server = await EstateServer.StartAsync(estate, switches, 0, CancellationToken.None);
            foreach (var service in new[] { "iam", "kms", "ec2", "s3", "sts", "config", "cloudtrail", "rds", "logs", "organizations", "s3control" })
            {
                switches.SetThrottle(service, rate, Math.Max(1, rate / 5));
            }

            server.Stats.Reset();
            var phases = new PhaseClock();
            var (wall, outcome) = await CollectAsync(server, Temp(), concurrency, new RunScope { Collectors = [collector] }, phases, adaptive);
            var window = phases.Until("evaluating") - phases.Until("collecting");
            var answered = server.Stats.Calls.Where(c => c.Key.StartsWith(collector + ":", StringComparison.Ordinal)).Sum(c => c.Value);
            var throttled = server.Stats.Throttled;
            var succeeded = answered - throttled;
            var errors = outcome.FindingCount(FindingStatus.Error);
            Console.WriteLine($"  {collector} ({resources * scale} resources, adaptive rate limiting {(adaptive ? "on" : "off")}): {succeeded} calls answered + {throttled} throttled during the {window.TotalSeconds:F1} s collection window = {succeeded / window.TotalSeconds:F1}/s; achieved ÷ R = {succeeded / window.TotalSeconds / rate:F2} (goal >= 0.85); evidence lost: {errors} error findings");
        }
    }

    /// <summary>glibc's malloc in MiB: the arenas' size, what is in use and free in them, and mmapped chunks (mallinfo2, glibc 2.33+).</summary>
    private static string Mi()
    {
        try
        {
            var m = Native.MallInfo();
            return $"arena {m.Arena / 1048576.0:F1} inuse {m.Uordblks / 1048576.0:F1} free {m.Fordblks / 1048576.0:F1} mmap {m.Hblkhd / 1048576.0:F1}";
        }
        catch (EntryPointNotFoundException)
        {
            return "n/a";
        }
    }

    /// <summary>The collector process of the RSS benchmark: collect from an estate served elsewhere, print peak RSS.</summary>
    public static async Task CollectOnlyAsync(string endpoint, int concurrency)
    {
        var services = Services(new Uri(endpoint), concurrency);
        using var store = EvidenceStore.OpenOrCreate(Temp());
        var exceptions = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => exceptions.AddOrUpdate(e.Exception.GetType().Name, 1, (_, n) => n + 1);
        var watch = Stopwatch.StartNew();
        var phases = new PhaseClock();
        phases.Start();
        var peaks = new Dictionary<string, double>();
        double heap = 0, committed = 0;
        var threads = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var phase = phases.Current;
                peaks[phase] = Math.Max(peaks.GetValueOrDefault(phase), BenchmarkSupport.RssMiB());
                var gc = GC.GetGCMemoryInfo();
                heap = Math.Max(heap, gc.HeapSizeBytes / 1024.0 / 1024.0);
                committed = Math.Max(committed, gc.TotalCommittedBytes / 1024.0 / 1024.0);
                threads = Math.Max(threads, System.Diagnostics.Process.GetCurrentProcess().Threads.Count);
                if (Timeline)
                {
                    Console.Error.WriteLine($"{watch.Elapsed.TotalSeconds:F1}s {phase} rss {BenchmarkSupport.RssMiB():F0} ({BenchmarkSupport.Status("RssAnon")} anon, {BenchmarkSupport.Status("RssFile")} file, {BenchmarkSupport.Status("RssShmem")} shm) heap {gc.HeapSizeBytes / 1048576.0:F0} committed {gc.TotalCommittedBytes / 1048576.0:F0} gen {gc.Generation} gc2 {GC.CollectionCount(2)} after-gc gens {string.Join("/", Enumerable.Range(0, 5).Select(g => (gc.GenerationInfo[g].SizeAfterBytes / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} frag {gc.FragmentedBytes / 1048576.0:F0} promoted {gc.PromotedBytes / 1048576.0:F0} pinned {gc.PinnedObjectsCount} malloc {Mi()}");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        });
        var outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "bench", ScopeFromEnvironment()), phases, CancellationToken.None);
        sampling.Cancel();
        await sampler;
        Console.WriteLine($"first-chance exceptions: {string.Join(", ", exceptions.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}"))}");
        Console.WriteLine($"collected {outcome.Seal?.Evidence} evidence, {outcome.TotalFindings} findings in {watch.Elapsed.TotalSeconds:F1} s; peak RSS {BenchmarkSupport.PeakRssMiB():F0} MiB (by phase: {string.Join(", ", peaks.Select(p => $"{p.Key} {p.Value:F0}"))}; GC heap after last GC up to {heap:F0} MiB, committed up to {committed:F0} MiB; up to {threads} threads; {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MiB allocated, at phase starts: {string.Join(", ", phases.AllocatedAt.Select(p => $"{p.Key} {p.Value / 1048576.0:F0}"))})");
    }

    /// <summary>BENCH_COLLECTORS / BENCH_ACCOUNTS / BENCH_REGIONS (comma-separated) narrow the collect-only run.</summary>
    private static RunScope ScopeFromEnvironment()
    {
        static List<string> List(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? [.. v.Split(',')] : [];
        return new RunScope { Collectors = List("BENCH_COLLECTORS"), Accounts = List("BENCH_ACCOUNTS"), Regions = List("BENCH_REGIONS") };
    }

    public static async Task RssAsync(int[] totals, int concurrency)
    {
        foreach (var total in totals)
        {
            // total resources spread as 5 accounts × 4 regions.
            var perRegion = Math.Max(1, total / 20);
            var self = Environment.ProcessPath!;
            var dll = typeof(AwsBenchmark).Assembly.Location;
            using var estate = Process.Start(BenchmarkSupport.Start(self, dll, "estate", $"5x4x{perRegion}"))!;
            var endpoint = (await estate.StandardOutput.ReadLineAsync())!.Trim();
            using var collector = Process.Start(BenchmarkSupport.Start(self, dll, "aws-collect", endpoint, concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
            var output = await collector.StandardOutput.ReadToEndAsync();
            await collector.WaitForExitAsync();
            estate.Kill();
            await estate.WaitForExitAsync();
            Console.WriteLine($"rss at {perRegion * 20} resources (5x4x{perRegion}): {output.Trim()}");
        }
    }

    public static async Task ServeEstateAsync(string spec, int latency = 0)
    {
        var parts = spec.Split('x').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await using var server = await EstateServer.StartAsync(EstateDefinition.Generate(parts[0], parts[1], parts[2]), new EstateSwitches { PageSize = 100, Latency = TimeSpan.FromMilliseconds(latency) }, 0, CancellationToken.None);
        Console.WriteLine(server.BaseUrl);
        await server.WaitForShutdownAsync(CancellationToken.None);
    }

    private static async Task<(TimeSpan, RunOutcome)> CollectAsync(EstateServer server, string data, int concurrency, RunScope scope, PhaseClock? phases = null, bool adaptive = true)
    {
        using var services = Services(server.BaseUrl, concurrency, adaptive);
        using var store = EvidenceStore.OpenOrCreate(data);
        var watch = Stopwatch.StartNew();
        phases?.Start();
        var limiter = services.GetRequiredKeyedService<EvidenceCollector.Collectors.Common.CallLimiter>(AwsServiceCollectionExtensions.ServiceKey);
        var exceptions = 0L;
        EventHandler<System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs> count = (_, _) => Interlocked.Increment(ref exceptions);
        AppDomain.CurrentDomain.FirstChanceException += count;
        var (gc0, gc1, gc2, paused, cpu) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), Process.GetCurrentProcess().TotalProcessorTime);
        RunOutcome outcome;
        await using (var inFlight = InFlightSampler.Start(limiter, print: phases is not null))
        {
            outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "bench", scope), phases, CancellationToken.None);
        }

        AppDomain.CurrentDomain.FirstChanceException -= count;
        if (phases is not null)
        {
            Console.WriteLine($"  adaptive rate limiting: {services.GetRequiredKeyedService<EvidenceCollector.Collectors.Common.AdaptiveRateGovernor>(AwsServiceCollectionExtensions.ServiceKey).Cuts} cuts");
            Console.WriteLine($"  process: {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU (collector and in-process estate); GCs gen0/1/2 {GC.CollectionCount(0) - gc0}/{GC.CollectionCount(1) - gc1}/{GC.CollectionCount(2) - gc2}, paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2} s; {exceptions} first-chance exceptions");
            var api = phases.Until("evaluating");
            Console.WriteLine($"  per call: {limiter.Held.TotalMilliseconds / limiter.Entered:F1} ms holding a slot (client, first byte out to last byte in), {server.Stats.AnsweredTime.TotalMilliseconds / server.Stats.Answered:F1} ms from arrival to answer written (estate; nominal {server.Switches.Latency.TotalMilliseconds:F0} ms); slots busy {limiter.Held / (api * concurrency):P0} of plan + collect + store");
        }

        return (watch.Elapsed, outcome);
    }

    private static ServiceProvider Services(Uri endpoint, int concurrency, bool adaptive = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:MaxConcurrency"] = Environment.GetEnvironmentVariable("BENCH_PIPELINE_CONCURRENCY") ?? concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Aws:MaxConcurrentCalls"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Aws:ResourceConcurrency"] = concurrency == 1 ? "1" : Environment.GetEnvironmentVariable("BENCH_RESOURCE_CONCURRENCY") ?? "8",
            ["Aws:Organization:RoleName"] = "EvidenceCollectorReadOnly",
            ["Aws:CredentialReportPollInterval"] = "00:00:00.050",
            ["Aws:ResourcesInFlight"] = Environment.GetEnvironmentVariable("BENCH_RESOURCES_IN_FLIGHT") ?? "0",
            ["Aws:AdaptiveRateLimiting"] = adaptive && Environment.GetEnvironmentVariable("BENCH_ADAPTIVE") != "0" ? "true" : "false",
            ["Pipeline:StorageWriters"] = Environment.GetEnvironmentVariable("BENCH_STORAGE_WRITERS") ?? "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddFilter(_ => false));
        services.AddEvidencePipeline(configuration);
        EvidenceCollector.Cli.Hosting.NativeHeapTrimHook.Register(services);
        services.AddSingleton(new RunEnvironment("bench", "bench"));
        services.AddAwsCollectors(configuration, new AwsOverride(new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey), endpoint));
        services.AddSingleton<EvidenceCollector.Providers.IProviderModule, AwsProviderModule>();
        services.AddSingleton(sp => new EvidenceCollector.Providers.ProviderRegistry(sp.GetServices<EvidenceCollector.Providers.IProviderModule>(), configuration));
        // The mapping rows name every provider's checks: validate them against all of them, as the executable does.
        services.AddSingleton(_ => BenchmarkSupport.Mapping());
        return services.BuildServiceProvider();
    }

    /// <summary>Samples the calls in flight every 250 ms while a run lasts; prints them when disposed.</summary>
    private sealed class InFlightSampler : IAsyncDisposable
    {
        private readonly List<int> _samples = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly bool _print;
        private Task _loop = Task.CompletedTask;

        private InFlightSampler(bool print) => _print = print;

        public static InFlightSampler Start(EvidenceCollector.Collectors.Common.CallLimiter limiter, bool print = true)
        {
            var sampler = new InFlightSampler(print);
            sampler._loop = Task.Run(async () =>
            {
                while (!sampler._stop.IsCancellationRequested)
                {
                    sampler._samples.Add(limiter.InFlight);
                    await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
                }
            });
            return sampler;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
            if (_print)
            {
                Console.WriteLine($"calls in flight every 250 ms: {string.Join(' ', _samples)}");
            }
        }
    }

    /// <summary>When each phase of the run began.</summary>
    internal sealed class PhaseClock : IRunProgress
    {
        private readonly Stopwatch _watch = new();
        private readonly Dictionary<string, TimeSpan> _phases = [];

        public void Start() => _watch.Start();

        public TimeSpan Until(string phase) => _phases.TryGetValue(phase, out var at) ? at : _watch.Elapsed;

        public void Planned(string runId, int targets, int tasks)
        {
        }

        public void CollectorFinished(string collector, Target target, int records, int errors)
        {
            if (Timeline)
            {
                Console.Error.WriteLine($"{_watch.Elapsed.TotalSeconds:F1}s finished {collector} {target.Account}/{target.Region}: {records} records, {errors} errors");
            }
        }

        public string Current { get; private set; } = "planning";

        public Dictionary<string, long> AllocatedAt { get; } = [];

        public void Phase(string name)
        {
            AllocatedAt[name] = GC.GetTotalAllocatedBytes();
            _phases[name] = _watch.Elapsed;
            Current = name;
        }
    }

    private static readonly List<string> TempFolders = [];

    /// <summary>A fresh store folder, removed when the benchmark process exits (a 100 k run writes ~1 GB).</summary>
    private static string Temp()
    {
        var folder = Directory.CreateTempSubdirectory("ec-bench-aws-").FullName;
        lock (TempFolders)
        {
            if (TempFolders.Count == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveTempFolders();
            }

            TempFolders.Add(folder);
        }

        return Path.Combine(folder, "data");
    }

    public static void RemoveTempFolders()
    {
        lock (TempFolders)
        {
            foreach (var folder in TempFolders.Where(Directory.Exists))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }

            TempFolders.Clear();
        }
    }

}
