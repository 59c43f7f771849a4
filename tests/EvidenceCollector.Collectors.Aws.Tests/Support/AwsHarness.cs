using Amazon;
using Amazon.Runtime;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.CloudTrail;
using EvidenceCollector.Collectors.Aws.Config;
using EvidenceCollector.Collectors.Aws.Ec2;
using EvidenceCollector.Collectors.Aws.Iam;
using EvidenceCollector.Collectors.Aws.Kms;
using EvidenceCollector.Collectors.Aws.Logs;
using EvidenceCollector.Collectors.Aws.Rds;
using EvidenceCollector.Collectors.Aws.S3;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws.Tests.Support;

/// <summary>The real AWS collectors and planner wired by hand, pointed at a local endpoint, with fast retries.</summary>
public sealed class AwsHarness
{
    public AwsHarness(AwsEndpoints endpoints, AwsOverride credentialsOverride, AwsOptions? options = null, ILoggerFactory? logs = null)
    {
        AWSConfigs.InitializeCollections = true;
        Options = options ?? FastOptions();
        var loggers = logs ?? NullLoggerFactory.Instance;
        var time = TimeProvider.System;
        var http = new HttpClient { Timeout = Options.Retry.AttemptTimeout };
        Api = new AwsApiClient(http, endpoints, AwsRetry.CreatePipeline(Options.Retry, time), time);
        Clients = new AwsClients(Api, endpoints, Microsoft.Extensions.Options.Options.Create(Options), time);
        Planner = new AwsTargetPlanner(Clients, loggers.CreateLogger<AwsTargetPlanner>(), credentialsOverride);
        Collectors =
        [
            new IamCollector(Clients, loggers.CreateLogger<IamCollector>()),
            new CloudTrailCollector(Clients, loggers.CreateLogger<CloudTrailCollector>()),
            new ConfigCollector(Clients, loggers.CreateLogger<ConfigCollector>()),
            new S3Collector(Clients, loggers.CreateLogger<S3Collector>()),
            new KmsCollector(Clients, loggers.CreateLogger<KmsCollector>()),
            new Ec2Collector(Clients, loggers.CreateLogger<Ec2Collector>()),
            new RdsCollector(Clients, loggers.CreateLogger<RdsCollector>()),
            new LogsCollector(Clients, loggers.CreateLogger<LogsCollector>()),
        ];
    }

    public AwsOptions Options { get; }

    public AwsApiClient Api { get; }

    public AwsClients Clients { get; }

    public AwsTargetPlanner Planner { get; }

    public IReadOnlyList<ICollector> Collectors { get; }

    public static AwsHarness ForUrl(Uri url, AWSCredentials credentials, AwsOptions? options = null, ILoggerFactory? logs = null)
    {
        var over = new AwsOverride(credentials, url);
        return new AwsHarness(new AwsEndpoints(over), over, options, logs);
    }

    public static AwsOptions FastOptions() => new()
    {
        Retry = new AwsRetryOptions
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
