using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EvidenceCollector.Checks;
using EvidenceCollector.Mapping;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>Options every verb shares.</summary>
public sealed record GlobalArgs(string? Data, string? Mappings, string? Config, bool Verbose);

/// <summary>
/// The composition root: configuration, logging (stderr), options validated with messages naming their
/// key, the pipeline, the providers' collectors and checks, the mapping and the store.
/// </summary>
public sealed class App : IDisposable
{
    public const string DefaultStorePath = "./data";

    private App(IConfigurationRoot configuration, ServiceProvider services)
    {
        Configuration = configuration;
        Services = services;
    }

    public IConfigurationRoot Configuration { get; }

    public ServiceProvider Services { get; }

    public static string ToolVersion { get; } =
        typeof(App).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public string StorePath => Path.GetFullPath(string.IsNullOrWhiteSpace(Configuration["Store:Path"]) ? DefaultStorePath : Configuration["Store:Path"]!);

    public string MappingPath => string.IsNullOrWhiteSpace(Configuration["Mapping:Path"])
        ? Path.Combine(AppContext.BaseDirectory, "mappings")
        : Path.GetFullPath(Configuration["Mapping:Path"]!);

    /// <param name="register">Extra registrations (providers, the scheduler, demo overrides).</param>
    public static App Create(GlobalArgs args, Action<IServiceCollection, IConfiguration, App.Paths>? register = null, IReadOnlyDictionary<string, string?>? extraConfig = null)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (args.Data is not null)
        {
            overrides["Store:Path"] = args.Data;
        }

        if (args.Mappings is not null)
        {
            overrides["Mapping:Path"] = args.Mappings;
        }

        foreach (var (key, value) in extraConfig ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var configuration = AppConfiguration.Build(args.Config, overrides);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.SetMinimumLevel(args.Verbose ? LogLevel.Information : LogLevel.Warning);
            logging.AddFilter("Polly", LogLevel.Warning);
            logging.AddFilter("Quartz", LogLevel.Warning);
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
                o.UseUtcTimestamp = true;
            });
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        services.AddSingleton(TimeProvider.System);
        var paths = new Paths(
            Path.GetFullPath(string.IsNullOrWhiteSpace(configuration["Store:Path"]) ? DefaultStorePath : configuration["Store:Path"]!),
            string.IsNullOrWhiteSpace(configuration["Mapping:Path"]) ? Path.Combine(AppContext.BaseDirectory, "mappings") : Path.GetFullPath(configuration["Mapping:Path"]!));
        services.AddEvidencePipeline(configuration);
        Hosting.NativeHeapTrimHook.Register(services);
        services.AddSingleton(new RunEnvironment(ToolVersion, AppConfiguration.Hash(configuration)));
        ProviderModules.Register(services, configuration);
        register?.Invoke(services, configuration, paths);
        services.AddSingleton(sp => LoadMapping(paths.Mappings, sp.GetServices<ICheck>()));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
        var app = new App(configuration, provider);
        app.ValidateOptions();
        return app;
    }

    public sealed record Paths(string Store, string Mappings);

    /// <summary>Runs every ValidateOnStart validator; a bad value is a user error naming its key.</summary>
    public void ValidateOptions()
    {
        try
        {
            Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException e)
        {
            throw new UserError(string.Join("; ", e.Failures));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            throw new UserError(string.Join("; ", e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures)));
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserError(e.InnerException is null ? e.Message : $"{e.Message} {e.InnerException.Message}");
        }
    }

    public MappingTable Mapping
    {
        get
        {
            try
            {
                return Services.GetRequiredService<MappingTable>();
            }
            catch (MappingValidationException e)
            {
                throw new UserError(string.Join(Environment.NewLine, e.Problems));
            }
        }
    }

    public IReadOnlyList<ICheck> Checks => Services.GetServices<ICheck>().ToList();

    public static MappingTable LoadMapping(string path, IEnumerable<ICheck> checks) =>
        MappingTable.Load(path, checks.Select(c => c.Metadata));

    public EvidenceStore OpenStoreForWriting()
    {
        try
        {
            return EvidenceStore.OpenOrCreate(StorePath, Services.GetRequiredService<TimeProvider>());
        }
        catch (NotAStoreException e)
        {
            throw new UserError($"--data: {e.Message}");
        }
    }

    /// <summary>The store's read model (what `runs`, `controls`, `findings` and `health` read).</summary>
    public IEvidenceReadModel OpenReadModel() => OpenStoreReadOnly();

    public EvidenceStore OpenStoreReadOnly()
    {
        try
        {
            return EvidenceStore.OpenReadOnly(StorePath, Services.GetRequiredService<TimeProvider>());
        }
        catch (NotAStoreException e)
        {
            throw new UserError($"--data: {e.Message}");
        }
    }

    public void Dispose() => Services.Dispose();
}
