using System.Net;
using System.Security.Authentication;
using System.Xml.Linq;
using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>The emulator host: the same services over HTTPS with a certificate generated at start.</summary>
public sealed class HostTests(EstateFixture estate) : IClassFixture<EstateFixture>
{
    [Fact]
    public async Task Https_ClientTrustingTheGeneratedCertificate_IsAnsweredLikeHttp()
    {
        using var http = new HttpClient(estate.Server.Host.TrustingHandler());
        var signer = new TestSigner(estate.Server.HttpsBaseUrl, http: http);

        using var response = await signer.QueryAsync("sts", "us-east-1", "GetCallerIdentity", "2011-06-15");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Uri.UriSchemeHttps, estate.Server.HttpsBaseUrl.Scheme);
        Assert.Equal(Demo.Management, XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants().Single(e => e.Name.LocalName == "Account").Value);
    }

    [Fact]
    public async Task Https_ClientThatDoesNotTrustTheCertificate_IsRefusedByTls()
    {
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => new TestSigner(estate.Server.HttpsBaseUrl, http: http).QueryAsync("sts", "us-east-1", "GetCallerIdentity", "2011-06-15"));

        Assert.IsType<AuthenticationException>(e.InnerException);
    }

    [Fact]
    public void Certificate_ForLoopback_ValidNow_AsPem()
    {
        var certificate = estate.Server.Host.Certificate;

        Assert.True(certificate.HasPrivateKey);
        Assert.InRange(DateTime.UtcNow, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", estate.Server.Host.CertificatePem, StringComparison.Ordinal);
    }
}
