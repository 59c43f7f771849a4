using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Pipeline.Scheduling;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence run`: the long-running worker (Generic Host + Quartz), until SIGTERM.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var command = new Command("run", "Run the worker: the scheduler fires configured schedules (Schedules:<name>:Cron) until SIGTERM");
        command.SetAction(async (result, ct) =>
        {
            var globals = EvidenceCli.Globals(result);
            using var app = App.Create(globals, (services, configuration, paths) =>
                services.AddEvidenceScheduler(configuration, EvidenceStore.ConnectionStringFor(Path.Combine(paths.Store, EvidenceStore.IndexFile), readOnly: false)));
            var mapping = app.Mapping;
            var store = app.OpenStoreForWriting();
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = new ConfigurationManager() });
            builder.Configuration.AddConfiguration(app.Configuration);
            builder.Logging.AddConfiguration(app.Configuration.GetSection("Logging"));
            builder.Logging.SetMinimumLevel(globals.Verbose ? LogLevel.Information : LogLevel.Information);
            builder.Logging.AddFilter("Polly", LogLevel.Warning).AddFilter("Quartz", LogLevel.Warning).AddFilter("Microsoft.Hosting", LogLevel.Warning);
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            Compose(builder.Services, builder.Configuration, store, mapping, app);
            using var host = builder.Build();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("evidence");
            foreach (var run in store.RecoverAbandonedRuns("evidence run"))
            {
                logger.LogWarning("Recovered run {RunId}: {Reason}", run.Id, run.Reason);
            }

            await host.RunAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The worker's services: the same composition as the CLI, plus the store and the scheduler.</summary>
    internal static void Compose(IServiceCollection services, IConfiguration configuration, EvidenceStore store, Mapping.MappingTable mapping, App app)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddEvidencePipeline(configuration);
        Hosting.NativeHeapTrimHook.Register(services);
        services.AddSingleton(app.Services.GetRequiredService<RunEnvironment>());
        ProviderModules.Register(services, configuration);
        services.AddSingleton(mapping);
        services.AddSingleton(new StoreHolder(store));
        services.AddEvidenceScheduler(configuration, store.ConnectionString);
    }
}
