using Amazon.Runtime;
using EvidenceCollector.Collection;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>The credentials of one account (default chain, or an assumed role), carried by its targets.</summary>
public sealed record AwsSession(string AccountId, AWSCredentials Credentials) : ITargetSession
{
    public AwsCallContext In(string region) => new(Credentials, region, AccountId);
}
