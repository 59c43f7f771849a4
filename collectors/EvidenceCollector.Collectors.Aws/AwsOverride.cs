using Amazon.Runtime;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>
/// The demo's explicit override: fixed credentials and one URL that serves every service (the emulated
/// estate's base URL). The composition root registers it (or passes it to <see cref="AwsServiceCollectionExtensions.AddAwsCollectors"/>);
/// nothing else in the code path differs.
/// </summary>
public sealed record AwsOverride(AWSCredentials Credentials, Uri ServiceUrl);
