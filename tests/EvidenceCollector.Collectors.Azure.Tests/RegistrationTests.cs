using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Tests.Api;
using EvidenceCollector.Estate;
using EvidenceCollector.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Azure.Tests;

/// <summary>Azure as the composition root registers it: options, credential chain, ARM reader and planner from configuration alone.</summary>
[Collection(IdentityEnvironment.Name)]
public sealed class RegistrationTests(AzureEstateFixture fixture)
{
    private readonly EstateHost _host = fixture.Reset(pageSize: 100);

    [Fact]
    public async Task Registered_ThePlannerReadsACustomEndpoint_WhoseCertificateChainsToTheConfiguredCa()
    {
        var ca = Path.Combine(Path.GetTempPath(), $"estate-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(ca, _host.CertificatePem);
        try
        {
            using var provider = Services(("Azure:Enabled", "true"), ("Azure:ResourceManagerEndpoint", _host.HttpsBaseUrl.ToString()), ("Azure:CaCertificateFile", ca));

            var plan = await provider.GetServices<ITargetPlanner>().Single(p => p.Provider == Provider.Azure).PlanAsync(RunScope.All, CancellationToken.None);

            Assert.Equal([TargetOutcome.Evaluated, TargetOutcome.Evaluated, TargetOutcome.Skipped], plan.Targets.Select(t => t.Outcome));
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Fact]
    public async Task Registered_WithoutTheCa_AnUntrustedEndpointIsAnErroredTarget_NotAPass()
    {
        using var provider = Services(("Azure:Enabled", "true"), ("Azure:ResourceManagerEndpoint", _host.HttpsBaseUrl.ToString()), ("Azure:Retry:MaxAttempts", "1"));

        var plan = await provider.GetServices<ITargetPlanner>().Single(p => p.Provider == Provider.Azure).PlanAsync(RunScope.All, CancellationToken.None);

        var target = Assert.Single(plan.Targets);
        Assert.Equal(TargetOutcome.Errored, target.Outcome);
        Assert.NotEmpty(plan.Errors);
    }

    [Fact]
    public void Registered_InvalidOptions_FailWithTheirKeys()
    {
        using var provider = Services(("Azure:Subscriptions:0", "prod"), ("Azure:ResourceManagerEndpoint", "http://management.example/"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AzureOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Azure:Subscriptions:0: 'prod'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Azure:ResourceManagerEndpoint:", StringComparison.Ordinal));
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAzureCollectors(configuration);
        return services.BuildServiceProvider();
    }
}
