using Amazon;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.CloudTrail;
using EvidenceCollector.Collectors.Aws.Config;
using EvidenceCollector.Collectors.Aws.Ec2;
using EvidenceCollector.Collectors.Aws.Iam;
using EvidenceCollector.Collectors.Aws.Kms;
using EvidenceCollector.Collectors.Aws.Logs;
using EvidenceCollector.Collectors.Aws.Rds;
using EvidenceCollector.Collectors.Aws.S3;
using EvidenceCollector.Collectors.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws;

public static class AwsServiceCollectionExtensions
{
    /// <summary>The key of AWS's instances of the shared collector parts (call limiter, rate governor).</summary>
    public const string ServiceKey = "aws";

    /// <summary>
    /// Registers the AWS collectors, checks and target planner, with <see cref="AwsOptions"/> bound from the
    /// <c>Aws</c> section and validated on start. <paramref name="demoOverride"/> (or an <see cref="AwsOverride"/>
    /// registered by the composition root: the demo's fixed credentials and
    /// single service URL) is the only difference between the demo and a real run.
    /// </summary>
    public static IServiceCollection AddAwsCollectors(this IServiceCollection services, IConfiguration configuration, AwsOverride? demoOverride = null)
    {
        // AWSSDK v4 returns null for empty lists unless told otherwise; the code guards for null as well.
        AWSConfigs.InitializeCollections = true;

        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsOptions>, AwsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        if (demoOverride is not null)
        {
            services.AddSingleton(demoOverride);
        }

        // The demo's override may also be registered by the composition root after this call.
        services.AddSingleton(sp => new AwsEndpoints(sp.GetService<AwsOverride>()));
        // The shared collector parts are provider-neutral types: AWS's instances are keyed "aws" (each provider has its own).
        services.AddKeyedSingleton(ServiceKey, (sp, _) => new CallLimiter(sp.GetRequiredService<IOptions<AwsOptions>>().Value.MaxConcurrentCalls));
        services.AddKeyedSingleton(ServiceKey, (sp, _) => new AdaptiveRateGovernor(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AwsOptions>>().Value.AdaptiveRateLimiting, sp.GetRequiredService<ILogger<AdaptiveRateGovernor>>()));

        // One send path for every AWS request: the SDK clients and the signed client share its limiter, lanes and pool.
        services.AddSingleton(sp => new LimitedHttpClientFactory(
            sp.GetRequiredKeyedService<CallLimiter>(ServiceKey), sp.GetRequiredKeyedService<AdaptiveRateGovernor>(ServiceKey), sp.GetRequiredService<IOptions<AwsOptions>>().Value.Retry.AttemptTimeout));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AwsOptions>>().Value;
            return new AwsApiClient(sp.GetRequiredService<LimitedHttpClientFactory>().Client, sp.GetRequiredService<AwsEndpoints>(), AwsRetry.CreatePipeline(options.Retry, sp.GetRequiredService<TimeProvider>()), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new AwsClients(sp.GetRequiredService<AwsApiClient>(), sp.GetRequiredService<LimitedHttpClientFactory>(), sp.GetRequiredService<AwsEndpoints>(), sp.GetRequiredService<IOptions<AwsOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICollector, IamCollector>();
        services.AddSingleton<ICollector, CloudTrailCollector>();
        services.AddSingleton<ICollector, ConfigCollector>();
        services.AddSingleton<ICollector, S3Collector>();
        services.AddSingleton<ICollector, KmsCollector>();
        services.AddSingleton<ICollector, Ec2Collector>();
        services.AddSingleton<ICollector, RdsCollector>();
        services.AddSingleton<ICollector, LogsCollector>();
        services.AddSingleton<ITargetPlanner>(sp => new AwsTargetPlanner(sp.GetRequiredService<AwsClients>(), sp.GetRequiredService<ILogger<AwsTargetPlanner>>(), sp.GetServices<ICollector>(), sp.GetService<AwsOverride>()));
        foreach (var check in AwsChecks.All)
        {
            services.AddSingleton(check);
        }

        return services;
    }
}
