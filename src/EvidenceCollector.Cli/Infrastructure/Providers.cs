using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Collectors.Aws;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>Registers every cloud provider's planner, collectors and checks.</summary>
public static class Providers
{
    /// <param name="aws">The demo's override (fixed dummy credentials, the emulated estate's URL); null: the default credential chain.</param>
    public static void Register(IServiceCollection services, IConfiguration configuration, AwsOverride? aws = null)
    {
        services.AddAwsCollectors(configuration, aws);
    }
}
