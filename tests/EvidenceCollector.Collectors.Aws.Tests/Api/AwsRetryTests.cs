using System.Net;
using EvidenceCollector.Collectors.Aws.Api;

namespace EvidenceCollector.Collectors.Aws.Tests.Api;

public sealed class AwsRetryTests
{
    [Theory]
    [InlineData("Throttling")]
    [InlineData("ThrottlingException")]
    [InlineData("RequestLimitExceeded")]
    [InlineData("TooManyRequestsException")]
    [InlineData("SlowDown")]
    [InlineData("PriorRequestNotComplete")]
    [InlineData("EC2ThrottledException")]
    public void ThrottlingCode_IsThrottlingAndTransient(string code)
    {
        Assert.True(AwsRetry.IsThrottling(code, HttpStatusCode.BadRequest));
        Assert.True(AwsRetry.IsTransient(code, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("InternalFailure", HttpStatusCode.InternalServerError)]
    [InlineData("ServiceUnavailable", HttpStatusCode.ServiceUnavailable)]
    [InlineData("RequestTimeout", null)]
    [InlineData(AwsApiException.TransportError, null)]
    public void ServerFailure_IsTransientButNotThrottling(string code, HttpStatusCode? status)
    {
        Assert.True(AwsRetry.IsTransient(code, status));
        Assert.False(AwsRetry.IsThrottling(code, status));
    }

    [Theory]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden)]
    [InlineData("NoSuchBucketPolicy", HttpStatusCode.NotFound)]
    [InlineData(AwsApiException.MalformedResponse, HttpStatusCode.OK)]
    public void ClientError_IsNeither(string code, HttpStatusCode status)
    {
        Assert.False(AwsRetry.IsTransient(code, status));
        Assert.False(AwsRetry.IsThrottling(code, status));
    }

    [Fact]
    public void Http429_IsThrottlingWhateverTheCode()
    {
        Assert.True(AwsRetry.IsThrottling(null, HttpStatusCode.TooManyRequests));
        Assert.True(AwsRetry.IsThrottling("Http429", HttpStatusCode.TooManyRequests));
    }
}
