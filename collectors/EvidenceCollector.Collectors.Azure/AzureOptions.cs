using EvidenceCollector.Collectors.Common;
using Microsoft.Extensions.Configuration;

namespace EvidenceCollector.Collectors.Azure;

/// <summary>
/// The <c>Azure</c> section. Azure runs when <see cref="Enabled"/> is true or <see cref="Subscriptions"/> /
/// <see cref="ManagementGroup"/> is set; credentials come only from <c>DefaultAzureCredential</c>'s chain, never from
/// here. <see cref="Cloud"/> picks the Resource Manager endpoint, token audience and authority host; each can be
/// given explicitly for a custom cloud (Azure Stack Hub).
/// </summary>
public sealed class AzureOptions
{
    public const string Section = "Azure";

    public static readonly IReadOnlyDictionary<string, (string ResourceManager, string Audience, string Authority)> Clouds =
        new Dictionary<string, (string, string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["AzurePublicCloud"] = ("https://management.azure.com/", "https://management.azure.com/", "https://login.microsoftonline.com/"),
            ["AzureChinaCloud"] = ("https://management.chinacloudapi.cn/", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/"),
            ["AzureUSGovernment"] = ("https://management.usgovcloudapi.net/", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/"),
        };

    /// <summary>True: every subscription the credential can see (under <see cref="ManagementGroup"/> when set).</summary>
    public bool? Enabled { get; set; }

    /// <summary>Subscription ids (GUIDs) to collect; empty: every visible one (with <see cref="Enabled"/>).</summary>
    public List<string> Subscriptions { get; set; } = [];

    /// <summary>Only subscriptions under this management group (its id, the last segment of its ARM id) and its descendants.</summary>
    public string? ManagementGroup { get; set; }

    public string Cloud { get; set; } = "AzurePublicCloud";

    /// <summary>Overrides the cloud's Resource Manager endpoint (an absolute https URL).</summary>
    public string? ResourceManagerEndpoint { get; set; }

    /// <summary>Overrides the token audience (default: the cloud's, <c>https://management.azure.com/</c> for the public cloud).</summary>
    public string? Audience { get; set; }

    /// <summary>Overrides the authority host; with a custom one, instance discovery is disabled.</summary>
    public string? AuthorityHost { get; set; }

    /// <summary>A PEM CA certificate to trust for the endpoints besides the OS trust store (Azure Stack Hub with a private CA).</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>ARM calls in flight at once, across all collectors and subscriptions.</summary>
    public int MaxConcurrentCalls { get; set; } = 32;

    /// <summary>Pace a lane (principal, subscription, resource provider) once ARM throttles it.</summary>
    public bool AdaptiveRateLimiting { get; set; } = true;

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Whether the section asks for Azure to run (the provider module's "configured").</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (bool.TryParse(section["Enabled"], out var enabled))
        {
            return enabled;
        }

        return section.GetSection("Subscriptions").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value)) || !string.IsNullOrWhiteSpace(section["ManagementGroup"]);
    }

    public Uri ResourceManager => new(ResourceManagerEndpoint ?? CloudOf().ResourceManager);

    public string TokenAudience => Audience ?? (ResourceManagerEndpoint is not null && !Clouds.ContainsKey(Cloud) ? ResourceManagerEndpoint : CloudOf().Audience);

    public Uri Authority => new(AuthorityHost ?? CloudOf().Authority);

    /// <summary>True when the authority is not a known cloud's: instance discovery must then be disabled.</summary>
    public bool CustomAuthority => AuthorityHost is not null && !Clouds.Values.Any(c => Uri.Compare(new Uri(c.Authority), new Uri(AuthorityHost), UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);

    /// <summary>Every problem, each naming its key (<c>Azure:Subscriptions:0: …</c>).</summary>
    public IEnumerable<string> Problems()
    {
        if (!Clouds.ContainsKey(Cloud) && ResourceManagerEndpoint is null)
        {
            yield return $"{Section}:Cloud: '{Cloud}' is not one of {string.Join(", ", Clouds.Keys)}; for a custom cloud set {Section}:ResourceManagerEndpoint (and {Section}:Audience, {Section}:AuthorityHost)";
        }

        for (var i = 0; i < Subscriptions.Count; i++)
        {
            if (!Guid.TryParseExact(Subscriptions[i], "D", out _))
            {
                yield return $"{Section}:Subscriptions:{i}: '{Subscriptions[i]}' is not a subscription id (a GUID like 00000000-0000-0000-0000-000000000000)";
            }
        }

        if (ManagementGroup is { } group && (group.Length == 0 || group.Contains('/', StringComparison.Ordinal)))
        {
            yield return $"{Section}:ManagementGroup: give the management group's id (the last segment of its ARM id), not '{group}'";
        }

        foreach (var (key, value) in new[] { ("ResourceManagerEndpoint", ResourceManagerEndpoint), ("AuthorityHost", AuthorityHost) })
        {
            if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"{Section}:{key}: '{value}' must be an absolute https URL (bearer tokens never travel over plain http)";
            }
        }

        if (Audience is not null && !Uri.TryCreate(Audience, UriKind.Absolute, out _))
        {
            yield return $"{Section}:Audience: '{Audience}' must be an absolute URL";
        }

        if (CaCertificateFile is not null && !File.Exists(CaCertificateFile))
        {
            yield return $"{Section}:CaCertificateFile: '{CaCertificateFile}' does not exist";
        }

        if (MaxConcurrentCalls is < 1 or > 1024)
        {
            yield return $"{Section}:MaxConcurrentCalls: must be between 1 and 1024";
        }

        foreach (var problem in Retry.Problems($"{Section}:Retry"))
        {
            yield return problem;
        }
    }

    private (string ResourceManager, string Audience, string Authority) CloudOf() =>
        Clouds.TryGetValue(Cloud, out var cloud) ? cloud : Clouds["AzurePublicCloud"];
}
