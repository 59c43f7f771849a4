using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using EvidenceCollector.Collectors.Aws.Api;

namespace EvidenceCollector.Collectors.Aws.Tests.Api;

/// <summary>
/// The signing path of the signed client against the public AWS SigV4 test suite ("get-vanilla").
/// AWSSDK.Core's <c>AWS4Signer.SignRequest</c> always adds and signs <c>x-amz-content-sha256</c>, which the
/// published vector does not contain. So the test (1) proves a small reference computation reproduces the
/// published signature from the published canonical request, then (2) proves the client's signing path yields
/// exactly that reference computation over the same request plus the one header the SDK adds.
/// </summary>
public sealed class SigV4KnownAnswerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string PublishedSignature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    [Fact]
    public void ReferenceSignature_GetVanillaCanonicalRequest_MatchesPublishedSignature()
    {
        var canonical = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash;

        Assert.Equal(PublishedSignature, ReferenceSignature(canonical));
    }

    [Fact]
    public void BuildSigned_GetVanillaRequest_MatchesReferenceSignatureWithSdkPayloadHeader()
    {
        var credentials = new ImmutableCredentials(AccessKey, SecretKey, null);
        var signedAt = new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

        using var message = AwsApiClient.BuildSigned(
            new Uri("https://example.amazonaws.com/"), "GET", "/", [], null, null, "service", "us-east-1", credentials, signedAt);

        var canonical = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-content-sha256:" + EmptyHash + "\nx-amz-date:20150830T123600Z\n\nhost;x-amz-content-sha256;x-amz-date\n" + EmptyHash;
        var authorization = string.Join(",", message.Headers.GetValues("Authorization"));
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={ReferenceSignature(canonical)}",
            authorization);
        Assert.Equal("20150830T123600Z", message.Headers.GetValues("X-Amz-Date").Single());
    }

    [Fact]
    public void BuildSigned_SessionCredentials_SignsSecurityToken()
    {
        var credentials = new ImmutableCredentials(AccessKey, SecretKey, "session-token-value");

        using var message = AwsApiClient.BuildSigned(
            new Uri("http://127.0.0.1:5000/"), "POST", "/", "Action=ListUsers"u8.ToArray(), "application/x-www-form-urlencoded; charset=utf-8", null, "iam", "us-east-1", credentials, null);

        Assert.Equal("session-token-value", message.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("x-amz-security-token", string.Join(",", message.Headers.GetValues("Authorization")), StringComparison.Ordinal);
        Assert.Contains("/us-east-1/iam/aws4_request", string.Join(",", message.Headers.GetValues("Authorization")), StringComparison.Ordinal);
    }

    private static string ReferenceSignature(string canonicalRequest)
    {
        var stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = Encoding.UTF8.GetBytes("AWS4" + SecretKey);
        foreach (var part in new[] { "20150830", "us-east-1", "service", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }
}
