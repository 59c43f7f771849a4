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
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws;

public static class AwsServiceCollectionExtensions
{
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
        services.AddSingleton(sp => new AwsCallLimiter(sp.GetRequiredService<IOptions<AwsOptions>>().Value.MaxConcurrentCalls));
        services.AddSingleton(sp => new AwsRateGovernor(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AwsOptions>>().Value.AdaptiveRateLimiting, sp.GetRequiredService<ILogger<AwsRateGovernor>>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AwsOptions>>().Value;
            var http = new HttpClient { Timeout = options.Retry.AttemptTimeout };
            return new AwsApiClient(http, sp.GetRequiredService<AwsEndpoints>(), AwsRetry.CreatePipeline(options.Retry, sp.GetRequiredService<TimeProvider>()), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AwsCallLimiter>(), sp.GetRequiredService<AwsRateGovernor>());
        });
        services.AddSingleton(sp => new AwsClients(sp.GetRequiredService<AwsApiClient>(), sp.GetRequiredService<AwsEndpoints>(), sp.GetRequiredService<IOptions<AwsOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AwsCallLimiter>(), sp.GetRequiredService<AwsRateGovernor>()));
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
