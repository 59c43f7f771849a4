using Amazon.Runtime.CredentialManagement;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// Resolves a service endpoint the way every AWS SDK does: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then
/// <c>AWS_ENDPOINT_URL</c>, then <c>endpoint_url</c> of the active profile in the shared config file
/// (all ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>); otherwise the public endpoint.
/// A demo <see cref="AwsOverride"/> wins over all of them. SDK clients and the signed client both ask here.
/// </summary>
public sealed class AwsEndpoints
{
    private readonly Func<string, string?> _environment;
    private readonly Lazy<string?> _profileEndpoint;
    private readonly AwsOverride? _override;

    public AwsEndpoints(AwsOverride? demoOverride = null, Func<string, string?>? environment = null)
    {
        _override = demoOverride;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _profileEndpoint = new Lazy<string?>(ReadProfileEndpoint);
    }

    /// <summary>The configured endpoint for <paramref name="service"/>, or null for the public default.</summary>
    public Uri? Configured(AwsService service)
    {
        if (_override is not null)
        {
            return _override.ServiceUrl;
        }

        if (string.Equals(_environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var text = NonEmpty(_environment("AWS_ENDPOINT_URL_" + service.EndpointId))
            ?? NonEmpty(_environment("AWS_ENDPOINT_URL"))
            ?? _profileEndpoint.Value;
        return text is null ? null : new Uri(text, UriKind.Absolute);
    }

    /// <summary>The base URI to call <paramref name="service"/> in <paramref name="region"/>.</summary>
    public Uri Resolve(AwsService service, string region, string? accountIdHostPrefix = null)
    {
        if (Configured(service) is { } configured)
        {
            return configured;
        }

        var host = service.DefaultHost(service.SigningRegion(region));
        return new Uri($"https://{(accountIdHostPrefix is null ? string.Empty : accountIdHostPrefix + ".")}{host}/");
    }

    private string? ReadProfileEndpoint()
    {
        try
        {
            var profileName = NonEmpty(_environment("AWS_PROFILE")) ?? "default";
            var file = new SharedCredentialsFile();
            return file.TryGetProfile(profileName, out var profile) ? NonEmpty(profile.EndpointUrl) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
