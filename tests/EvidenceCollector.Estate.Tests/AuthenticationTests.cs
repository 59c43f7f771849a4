using System.Net;
using System.Xml.Linq;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

public sealed class AuthenticationTests(EstateFixture estate) : IClassFixture<EstateFixture>
{
    private TestSigner Signer => new(estate.Server.BaseUrl);

    private static async Task<(HttpStatusCode Status, string Code)> QueryErrorAsync(HttpResponseMessage response)
    {
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, xml.Descendants().First(e => e.Name.LocalName == "Code").Value);
    }

    [Fact]
    public async Task GetCallerIdentity_CorrectlySigned_AnswersManagementRoot()
    {
        using var response = await Signer.QueryAsync("sts", "us-east-1", "GetCallerIdentity", "2011-06-15");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Demo.Management, xml.Descendants().Single(e => e.Name.LocalName == "Account").Value);
        Assert.NotEmpty(xml.Descendants().Single(e => e.Name.LocalName == "RequestId").Value);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Request_TamperedSignature_IsRejectedWithSignatureDoesNotMatch()
    {
        using var response = await Signer.SendAsync(HttpMethod.Post, "/", "", "iam", "us-east-1",
            "Action=ListUsers&Version=2010-05-08"u8.ToArray(), "application/x-www-form-urlencoded", null,
            tamper: s => (s[0] == 'a' ? "b" : "a") + s[1..]);
        var (status, code) = await QueryErrorAsync(response);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("SignatureDoesNotMatch", code);
        Assert.Equal(1, estate.Server.Stats.AuthRejected > 0 ? 1 : 0);
    }

    [Fact]
    public async Task Request_WrongSecret_IsRejectedWithSignatureDoesNotMatch()
    {
        using var response = await new TestSigner(estate.Server.BaseUrl, DemoCredentials.AccessKeyId, "wrong-secret")
            .QueryAsync("iam", "us-east-1", "ListUsers", "2010-05-08");
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), await QueryErrorAsync(response));
    }

    [Fact]
    public async Task Request_UnknownAccessKey_IsRejectedWithInvalidClientTokenId()
    {
        using var response = await new TestSigner(estate.Server.BaseUrl, "AKIAUNKNOWN000000000", "x")
            .QueryAsync("sts", "us-east-1", "GetCallerIdentity", "2011-06-15");
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), await QueryErrorAsync(response));
    }

    [Fact]
    public async Task Request_WithoutAuthorization_IsRejected()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(estate.Server.BaseUrl, "/"),
            new FormUrlEncodedContent([new("Action", "ListUsers"), new("Version", "2010-05-08")]));
        Assert.Equal((HttpStatusCode.Forbidden, "MissingAuthenticationToken"), await QueryErrorAsync(response));
    }

    [Fact]
    public async Task Request_MalformedAuthorization_IsRejectedWithIncompleteSignature()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(estate.Server.BaseUrl, "/"))
        {
            Content = new FormUrlEncodedContent([new("Action", "ListUsers"), new("Version", "2010-05-08")]),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEVIDENCEDEMO0001/20261130/us-east-1/iam/aws4_request");
        using var response = await http.SendAsync(request);
        Assert.Equal((HttpStatusCode.Forbidden, "IncompleteSignature"), await QueryErrorAsync(response));
    }

    [Fact]
    public async Task JsonService_TamperedSignature_AnswersInvalidSignatureException()
    {
        using var response = await Signer.SendAsync(HttpMethod.Post, "/", "", "kms", "eu-west-1", "{}"u8.ToArray(),
            "application/x-amz-json-1.1", "TrentService.ListKeys", tamper: s => new string('0', 64));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"__type\":\"InvalidSignatureException\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_MemberRole_IssuesSessionCredentialsOfThatAccount()
    {
        using var assume = await Signer.QueryAsync("sts", "us-east-1", "AssumeRole", "2011-06-15",
            ("RoleArn", $"arn:aws:iam::{Demo.Prod}:role/EvidenceCollectorReadOnly"), ("RoleSessionName", "evidence"));
        var xml = XDocument.Parse(await assume.Content.ReadAsStringAsync());
        string Value(string name) => xml.Descendants().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal(HttpStatusCode.OK, assume.StatusCode);
        Assert.StartsWith("ASIA", Value("AccessKeyId"), StringComparison.Ordinal);

        using var identity = await new TestSigner(estate.Server.BaseUrl, Value("AccessKeyId"), Value("SecretAccessKey"), Value("SessionToken"))
            .QueryAsync("sts", "eu-west-1", "GetCallerIdentity", "2011-06-15");
        var body = await identity.Content.ReadAsStringAsync();
        Assert.Contains($"<Account>{Demo.Prod}</Account>", body, StringComparison.Ordinal);
        Assert.Contains($"arn:aws:sts::{Demo.Prod}:assumed-role/EvidenceCollectorReadOnly/evidence", body, StringComparison.Ordinal);

        using var withoutToken = await new TestSigner(estate.Server.BaseUrl, Value("AccessKeyId"), Value("SecretAccessKey"))
            .QueryAsync("sts", "eu-west-1", "GetCallerIdentity", "2011-06-15");
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), await QueryErrorAsync(withoutToken));
    }

    [Theory]
    [InlineData("arn:aws:iam::999999999999:role/EvidenceCollectorReadOnly", null)]
    [InlineData("arn:aws:iam::345678901234:role/NoSuchRole", null)]
    [InlineData("arn:aws:iam::456789012345:role/ExternalAuditor", null)]
    [InlineData("arn:aws:iam::456789012345:role/ExternalAuditor", "wrong")]
    public async Task AssumeRole_UnknownRoleOrMissingExternalId_IsAccessDenied(string roleArn, string? externalId)
    {
        (string, string)[] parameters = externalId is null
            ? [("RoleArn", roleArn), ("RoleSessionName", "s")]
            : [("RoleArn", roleArn), ("RoleSessionName", "s"), ("ExternalId", externalId)];
        using var response = await Signer.QueryAsync("sts", "us-east-1", "AssumeRole", "2011-06-15", parameters);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), await QueryErrorAsync(response));
    }

    [Fact]
    public async Task AssumeRole_CorrectExternalId_Succeeds()
    {
        using var response = await Signer.QueryAsync("sts", "us-east-1", "AssumeRole", "2011-06-15",
            ("RoleArn", $"arn:aws:iam::{Demo.Dev}:role/ExternalAuditor"), ("RoleSessionName", "audit"), ("ExternalId", "acme-audit-2026"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ec2_DisabledRegion_AnswersAuthFailure()
    {
        using var response = await Signer.QueryAsync("ec2", "ap-east-1", "DescribeVpcs", "2016-11-15");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("AuthFailure", xml.Root!.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
    }
}
