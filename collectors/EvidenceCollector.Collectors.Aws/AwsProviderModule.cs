using System.Reflection;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>
/// AWS as a provider module. Configured by default (the default credential chain's account, or the
/// accounts and organisation under <c>Aws</c>); <c>Aws:Enabled=false</c> turns it off.
/// </summary>
public sealed class AwsProviderModule : IProviderModule
{
    public Provider Provider => Provider.Aws;

    public string ConfigurationSection => AwsOptions.Section;

    public string? NotConfigured(IConfiguration configuration) =>
        bool.TryParse(configuration[$"{AwsOptions.Section}:Enabled"], out var enabled) && !enabled
            ? "aws is turned off (Aws:Enabled=false); set Aws:Enabled=true or remove the setting"
            : null;

    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddAwsCollectors(configuration);

    public Assembly CheckAssembly => typeof(AwsProviderModule).Assembly;

    public IReadOnlyList<string> RuleTables { get; } = ["aws-config-rules"];

    /// <summary>An account-level setting is reported on the account root; a regional one on the region's ARN.</summary>
    public string TargetResourceId(string account, string region) =>
        region == Target.Global ? AwsArn.AccountRoot(account) : $"arn:aws:ec2:{region}:{account}:region/{region}";

    public StringComparer ResourceIdComparer => StringComparer.Ordinal;
}
