using Amazon;
using Amazon.Runtime;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Common;
using EvidenceCollector.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws.Tests.Support;

/// <summary>
/// The real AWS collectors and planner, registered exactly as the product registers them
/// (<see cref="AwsServiceCollectionExtensions.AddAwsCollectors"/>), pointed at a local endpoint, with fast retries.
/// </summary>
public sealed class AwsHarness
{
    public AwsHarness(AwsEndpoints endpoints, AwsOverride credentialsOverride, AwsOptions? options = null, ILoggerFactory? logs = null)
    {
        Options = options ?? FastOptions();
        var services = new ServiceCollection();
        services.AddLogging();
        if (logs is not null)
        {
            services.AddSingleton(logs);
        }

        services.AddAwsCollectors(new ConfigurationBuilder().Build(), credentialsOverride);

        // The test's endpoint resolution and options win over the ones bound from configuration.
        services.AddSingleton(endpoints);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
        var provider = services.BuildServiceProvider();
        Api = provider.GetRequiredService<AwsApiClient>();
        Clients = provider.GetRequiredService<AwsClients>();
        Limiter = provider.GetRequiredKeyedService<CallLimiter>(AwsServiceCollectionExtensions.ServiceKey);
        Governor = provider.GetRequiredKeyedService<AdaptiveRateGovernor>(AwsServiceCollectionExtensions.ServiceKey);
        Planner = (AwsTargetPlanner)provider.GetRequiredService<ITargetPlanner>();
        Collectors = provider.GetServices<ICollector>().ToList();
    }

    public AwsOptions Options { get; }

    public AwsApiClient Api { get; }

    public AwsClients Clients { get; }

    public CallLimiter Limiter { get; }

    public AdaptiveRateGovernor Governor { get; }

    public AwsTargetPlanner Planner { get; }

    public IReadOnlyList<ICollector> Collectors { get; }

    public static AwsHarness ForUrl(Uri url, AWSCredentials credentials, AwsOptions? options = null, ILoggerFactory? logs = null)
    {
        var over = new AwsOverride(credentials, url);
        return new AwsHarness(new AwsEndpoints(over), over, options, logs);
    }

    public static AwsOptions FastOptions() => new()
    {
        Retry = new RetryOptions
        {
            MaxAttempts = 8,
            BaseDelay = TimeSpan.FromMilliseconds(5),
            MaxDelay = TimeSpan.FromMilliseconds(50),
            TotalTimeout = TimeSpan.FromSeconds(30),
            AttemptTimeout = TimeSpan.FromSeconds(5),
        },
        CredentialReportPollInterval = TimeSpan.FromMilliseconds(20),
    };

    public ICollector Collector(string name) => Collectors.Single(c => c.Descriptor.Name == name);

    /// <summary>Plans, then runs every collector on every evaluated target (global collectors on global targets only).</summary>
    public async Task<RunOutput> RunAsync(RunScope? scope = null)
    {
        var plan = await Planner.PlanAsync(scope ?? RunScope.All, CancellationToken.None);
        var output = new RunOutput(plan);
        foreach (var target in plan.Targets.Where(t => t.Outcome == TargetOutcome.Evaluated))
        {
            foreach (var collector in Collectors.Where(c => c.Descriptor.Global == target.Target.IsGlobal))
            {
                var result = await collector.CollectAsync(new CollectionContext(target.Target, target.Session), CancellationToken.None);
                output.Results.Add((target.Target, collector.Descriptor.Name, result));
            }
        }

        return output;
    }
}

public sealed class RunOutput(TargetPlan plan)
{
    public TargetPlan Plan { get; } = plan;

    public List<(Target Target, string Collector, CollectionResult Result)> Results { get; } = [];

    public IEnumerable<EvidenceRecord> Records => Results.SelectMany(r => r.Result.Records);

    public IEnumerable<CollectionError> Errors => Results.SelectMany(r => r.Result.Errors);

    public IEnumerable<EvidenceRecord> For(string account) => Results.Where(r => r.Target.Account == account).SelectMany(r => r.Result.Records);
}
