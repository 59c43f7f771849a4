using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Quartz;
using EvidenceCollector.Pipeline.Scheduling;
using EvidenceCollector.Store;

namespace EvidenceCollector.Pipeline;

public static class ServiceCollectionExtensions
{
    /// <summary>Runs <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> validation; the messages name the config key.</summary>
    public static bool ValidateObject<T>(T options)
        where T : class, System.ComponentModel.DataAnnotations.IValidatableObject
    {
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(typeof(T).Name, typeof(T), problems!);
        }

        return true;
    }

    /// <summary>The pipeline runner with its options, signing and the named resilience pipeline.</summary>
    public static IServiceCollection AddEvidencePipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).Validate(ValidateObject).ValidateOnStart();
        services.AddOptions<SigningOptions>().Bind(configuration.GetSection("Signing"));
        // Collector level: a timeout only. Retries belong to the API layer (the AWS SDK's and the signed
        // client's retry policy), so a throttled call is retried once per call, not once per layer.
        services.AddResiliencePipeline(PipelineRunner.CollectorPipeline, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<PipelineOptions>>().Value;
            builder.AddTimeout(options.CollectorTimeout);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISignerSource>(sp => new LocalKeySignerSource(sp.GetRequiredService<IOptions<SigningOptions>>().Value));
        services.AddSingleton<PipelineRunner>();
        return services;
    }

    /// <summary>The Quartz scheduler with a persistent job store in the store's SQLite index, heartbeat and graceful shutdown.</summary>
    /// <summary>The scheduler's job store: <c>Scheduler:ConnectionString</c> (a SQLite connection string), default the store's own index file.</summary>
    public const string SchedulerConnectionKey = "Scheduler:ConnectionString";

    /// <param name="defaultConnectionString">The job store when <c>Scheduler:ConnectionString</c> is not set (the evidence store's SQLite file).</param>
    public static IServiceCollection AddEvidenceScheduler(this IServiceCollection services, IConfiguration configuration, string defaultConnectionString)
    {
        var connectionString = string.IsNullOrWhiteSpace(configuration[SchedulerConnectionKey]) ? defaultConnectionString : configuration[SchedulerConnectionKey]!;
        services.AddOptions<SchedulesOptions>().Configure(o => configuration.GetSection(SchedulesOptions.Section).Bind(o.Entries)).Validate(ValidateObject).ValidateOnStart();
        services.AddOptions<HostingOptions>().Bind(configuration.GetSection(HostingOptions.Section)).Validate(ValidateObject).ValidateOnStart();
        services.TryAddSingleton<IRunObserver, NullRunObserver>();
        services.AddHostedService<ScheduleSynchronizer>();
        var misfire = configuration.GetSection(HostingOptions.Section).Get<HostingOptions>()?.MisfireThreshold ?? new HostingOptions().MisfireThreshold;
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "evidence";
                o.InstanceId = "evidence-worker";
            });
            q.UseDefaultThreadPool(4);
            q.UsePersistentStore(s =>
            {
                s.UseSqlite(connectionString);
                s.UseSystemTextJsonSerializer();
                s.ProvisionSchema();
                s.ConfigureStore(o => o.MisfireThreshold = misfire);
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<HeartbeatService>();
        services.AddHostedService<GracefulShutdownService>();
        services.AddOptions<Microsoft.Extensions.Hosting.HostOptions>().Configure<IOptions<HostingOptions>>((host, hosting) =>
            host.ShutdownTimeout = hosting.Value.ShutdownTimeout + TimeSpan.FromSeconds(15));
        return services;
    }
}
