using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Checks;
using EvidenceCollector.Providers;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>The one list of provider modules this build carries; adding a provider is one line here.</summary>
public static class ProviderModules
{
    public static IReadOnlyList<IProviderModule> All { get; } =
    [
        new Collectors.Aws.AwsProviderModule(),
        new Collectors.Azure.AzureProviderModule(),
    ];

    /// <summary>
    /// Registers every module's services and the registry that says which run. Checks of all modules are
    /// discovered first, so a check id used twice fails at start naming both classes.
    /// </summary>
    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        _ = CheckDiscovery.Discover(All);
        foreach (var module in All)
        {
            services.AddSingleton(module);
            module.AddServices(services, configuration);
        }

        services.AddSingleton(sp => new ProviderRegistry(sp.GetServices<IProviderModule>(), configuration));
    }
}
