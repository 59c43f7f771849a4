using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;

namespace EvidenceCollector.TestHost;

/// <summary>The real pipeline (same DI registration as the product) over the test provider.</summary>
public static class TestPipeline
{
    public static ServiceProvider Build(
        WidgetBehaviour behaviour,
        string mappingsDirectory,
        IReadOnlyList<string>? accounts = null,
        IReadOnlyList<string>? regions = null,
        IReadOnlyList<string>? skippedRegions = null,
        IDictionary<string, string?>? settings = null,
        ISignerSource? signers = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? extra = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddFilter(_ => false));
        Register(services, configuration, behaviour, mappingsDirectory, accounts, regions, skippedRegions, signers, time);
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>The registrations of <see cref="Build"/>, for hosts built by tests (the scheduler tests).</summary>
    public static void Register(
        IServiceCollection services,
        IConfiguration configuration,
        WidgetBehaviour behaviour,
        string mappingsDirectory,
        IReadOnlyList<string>? accounts = null,
        IReadOnlyList<string>? regions = null,
        IReadOnlyList<string>? skippedRegions = null,
        ISignerSource? signers = null,
        TimeProvider? time = null)
    {
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (signers is not null)
        {
            services.AddSingleton(signers);
        }

        services.AddEvidencePipeline(configuration);
        services.AddSingleton(new RunEnvironment("test-1.0", "config-hash-test"));
        services.AddSingleton<EvidenceCollector.Providers.IProviderModule, TestProviderModule>();
        services.AddSingleton(sp => new EvidenceCollector.Providers.ProviderRegistry(sp.GetServices<EvidenceCollector.Providers.IProviderModule>(), configuration));
        services.AddSingleton<ITargetPlanner>(new TestPlanner(accounts ?? ["111111111111"], regions ?? ["eu-west-1", "us-east-1"], skippedRegions));
        services.AddSingleton(behaviour);
        services.AddSingleton<ICollector, WidgetCollector>();
        services.AddSingleton<ICheck, WidgetEncryptedCheck>();
        services.AddSingleton<ICheck, WidgetNamedCheck>();
        services.AddSingleton<ICheck, AnyWidgetCheck>();
        services.AddSingleton(sp => MappingTable.Load(mappingsDirectory, sp.GetServices<ICheck>().Select(c => c.Metadata)));
    }
}
