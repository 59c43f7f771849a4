using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Common;

namespace EvidenceCollector.Collectors.Azure;

public static class AzureServiceCollectionExtensions
{
    /// <summary>Azure's own call limiter and rate governor are registered under this key (AWS has its own).</summary>
    public const string ServiceKey = "azure";

    /// <summary>
    /// Registers Azure's credential (<see cref="DefaultAzureCredential"/> only: environment service principal, workload
    /// identity, managed identity, Azure CLI; nothing stored), its <see cref="ArmReader"/> on the shared send path
    /// (keyed <see cref="ServiceKey"/>: Azure's own call limiter and rate lanes) and the target planner, with
    /// <see cref="AzureOptions"/> bound from <c>Azure</c> and validated on start. <c>Azure:CaCertificateFile</c> adds a
    /// CA the endpoints' certificates may chain to, for the credential and ARM alike.
    /// </summary>
    public static IServiceCollection AddAzureCollectors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AzureOptions>().Bind(configuration.GetSection(AzureOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureOptions>, AzureOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(ServiceKey, (sp, _) => new CallLimiter(sp.GetRequiredService<IOptions<AzureOptions>>().Value.MaxConcurrentCalls));
        services.AddKeyedSingleton(ServiceKey, (sp, _) => new AdaptiveRateGovernor(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AzureOptions>>().Value.AdaptiveRateLimiting, sp.GetRequiredService<ILogger<AdaptiveRateGovernor>>()));
        services.AddSingleton<TokenCredential>(sp => Credential(sp.GetRequiredService<IOptions<AzureOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AzureOptions>>().Value;
            var client = LimitedSendHandler.CreateClient(Sockets(options), sp.GetRequiredKeyedService<CallLimiter>(ServiceKey), sp.GetRequiredKeyedService<AdaptiveRateGovernor>(ServiceKey),
                options.Retry.AttemptTimeout, ArmReader.LaneOf, ArmReader.IsThrottledAsync);
            return ArmReader.Create(sp.GetRequiredService<TokenCredential>(), options.ResourceManager, options.TokenAudience, client, options.Retry, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ITargetPlanner>(sp => new AzureTargetPlanner(sp.GetRequiredService<ArmReader>(), sp.GetRequiredService<IOptions<AzureOptions>>().Value, sp.GetRequiredService<TokenCredential>()));
        return services;
    }

    /// <summary>The default chain for the configured cloud: its authority host, instance discovery off for a custom one, the extra CA trusted.</summary>
    public static TokenCredential Credential(AzureOptions options)
    {
        var credential = new DefaultAzureCredentialOptions
        {
            AuthorityHost = options.Authority,
            DisableInstanceDiscovery = options.CustomAuthority,
            ExcludeInteractiveBrowserCredential = true,
            ExcludeVisualStudioCredential = true,
        };
        if (options.CaCertificateFile is not null)
        {
            credential.Transport = new HttpClientTransport(new HttpClient(Sockets(options)));
        }

        return new DefaultAzureCredential(credential);
    }

    /// <summary>Sockets that trust the OS store and, when configured, certificates that chain to <c>Azure:CaCertificateFile</c>.</summary>
    public static SocketsHttpHandler Sockets(AzureOptions options)
    {
        var sockets = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.CaCertificateFile is { } file)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(file);
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, authorities);
        }

        return sockets;
    }

    /// <summary>The OS trusts it, or it chains to one of <paramref name="authorities"/> with the right name.</summary>
    internal static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}

/// <summary>Validates <see cref="AzureOptions"/> on start: every problem, each naming its key.</summary>
public sealed class AzureOptionsValidator : IValidateOptions<AzureOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
