using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Common;

namespace EvidenceCollector.Collectors.Aws.Tests.Api;

/// <summary>AWS's side of the shared send path: which rate lane a signed request belongs to.</summary>
public sealed class LimitedHttpClientFactoryTests
{
    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", "AKIDEXAMPLE", "iam", "us-east-1")]
    [InlineData("AWS4-HMAC-SHA256 Credential=ASIA123/20261130/eu-west-1/kms/aws4_request,SignedHeaders=host,Signature=00", "ASIA123", "kms", "eu-west-1")]
    public void LaneOf_SigV4Header_NamesTheLaneOfItsCredentialScope(string header, string accessKey, string service, string region)
    {
        Assert.Equal(new RateLane(accessKey, region, service), LimitedHttpClientFactory.LaneOf(header));
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request/extra, Signature=00")]
    public void LaneOf_AnythingElse_IsNoLane(string header)
    {
        Assert.Null(LimitedHttpClientFactory.LaneOf(header));
    }
}
