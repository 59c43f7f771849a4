using System.Reflection;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Azure.Authorization;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Collectors.Azure;

/// <summary>
/// Azure as a provider module. Configured (and run) when <c>Azure:Enabled</c> is true or <c>Azure:Subscriptions</c> /
/// <c>Azure:ManagementGroup</c> is set; otherwise skipped and listed as not configured. Resource ids are ARM ids,
/// compared ignoring case; a subscription-wide setting is reported on <c>/subscriptions/&lt;id&gt;</c>.
/// </summary>
public sealed class AzureProviderModule : IProviderModule
{
    public Provider Provider => Provider.Azure;

    public Assembly CheckAssembly => typeof(AzureProviderModule).Assembly;

    /// <summary>Azure Policy definitions map through their own table (<c>azure-policy-definitions.csv</c>: definition name → control).</summary>
    public IReadOnlyList<string> RuleTables { get; } = ["azure-policy-definitions"];

    /// <summary>ARM ids compare ignoring case (ARM itself returns them in more than one case).</summary>
    public StringComparer ResourceIdComparer => StringComparer.OrdinalIgnoreCase;

    public string ConfigurationSection => AzureOptions.Section;

    public string? NotConfigured(IConfiguration configuration) =>
        AzureOptions.IsConfigured(configuration)
            ? null
            : "set Azure:Subscriptions (subscription ids), Azure:ManagementGroup, or Azure:Enabled=true (every subscription the credential can see)";

    /// <summary>A subscription-wide setting is reported on the subscription; a regional one on the subscription's location.</summary>
    public string TargetResourceId(string account, string region) =>
        region == Target.Global ? $"/subscriptions/{account}" : $"/subscriptions/{account}/locations/{region}";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddAzureCollectors(configuration);
        services.AddSingleton<ICollector>(sp => new AuthorizationCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Storage.StorageCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new KeyVault.KeyVaultCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Monitor.MonitorCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Compute.ComputeCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Network.NetworkCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Sql.SqlCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Defender.DefenderCollector(sp.GetRequiredService<ArmReader>()));
        services.AddSingleton<ICollector>(sp => new Policy.PolicyCollector(sp.GetRequiredService<ArmReader>()));
        foreach (var check in CheckDiscovery.Discover(CheckAssembly, Provider))
        {
            services.AddSingleton(check);
        }
    }
}
