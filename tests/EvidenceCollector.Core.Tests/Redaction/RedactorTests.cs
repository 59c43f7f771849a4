using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Redaction;

namespace EvidenceCollector.Core.Tests.Redaction;

public sealed class RedactorTests
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    [Fact]
    public void Redact_SecretsByKeyNameValueAndTag_RemovesEverySecret()
    {
        var token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDn" + new string('A', 120);
        var payload = JsonNode.Parse($$"""
            {
              "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
              "SecretAccessKey": "{{SecretKey}}",
              "Tags": [
                { "Key": "db_password", "Value": "hunter2" },
                { "Key": "note", "Value": "use {{SecretKey}} to log in" },
                { "Key": "conn", "Value": "Server=db;User Id=sa;Password=P@ssw0rd!;" },
                { "Key": "storage", "Value": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc123def456ghi789==;EndpointSuffix=core.windows.net" }
              ],
              "SessionToken": "{{token}}",
              "Description": "token {{token}}",
              "Url": "https://bucket.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101&X-Amz-Signature=abcdef0123456789",
              "Sas": "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=Zm9vYmFy%3D&se=2026",
              "Key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
              "Jdbc": "postgres://admin:s3cr3t@db.example.com:5432/app"
            }
            """)!;
        var text = Redactor.Redact(payload)!.ToJsonString();

        foreach (var secret in new[] { SecretKey, "hunter2", "P@ssw0rd!", "abc123def456ghi789", token, "abcdef0123456789", "Zm9vYmFy", "MIIEpAIBAAKCAQEA", "s3cr3t" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("AKIAIOSFODNN7EXAMPLE", text, StringComparison.Ordinal);
        Assert.Contains("Server=db", text, StringComparison.Ordinal);
        Assert.Contains("AccountName=acct", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ConfigurationFacts_AreKept()
    {
        var payload = JsonNode.Parse("""
            {
              "password_enabled": "true", "PasswordLastUsed": "2026-01-01T00:00:00Z", "MinimumPasswordLength": 14,
              "RequireSymbols": true, "Arn": "arn:aws:iam::123456789012:user/alice",
              "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "Digest": "0123456789abcdef0123456789abcdef01234567",
              "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"
            }
            """)!;
        var before = payload.ToJsonString();
        Assert.Equal(before, Redactor.Redact(payload)!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"b":1,"a":[{"Key":"db_password","Value":{"x":"hunter2"}},{"Name":"api_key","Value":7},{"key":"note","value":"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}],"Password":"p","nested":{"ClientSecret":{"deep":"kept"},"list":["Password=abc;Server=x",null,true,1.5e-7,"short"]},"é":"ü","\u0001":"\n"}""")]
    [InlineData("""["postgres://admin:s3cr3t@db:5432/app",{"SessionToken":null},[],{}]""")]
    [InlineData("\"a bare string wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY stays as Redact leaves it\"")]
    [InlineData("12345678901234567890")]
    [InlineData("null")]
    public void CanonicalRedacted_AnyPayload_EqualsCanonicalOfRedactedCopyAndLeavesTheNodeAlone(string json)
    {
        var node = JsonNode.Parse(json);
        var before = node?.ToJsonString() ?? "null";

        var expected = Jcs.Canonicalize(Redactor.Redact(node?.DeepClone()));
        var actual = Redactor.CanonicalRedacted(node);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        Assert.Equal(before, node?.ToJsonString() ?? "null");
    }

    [Fact]
    public void CanonicalRedacted_SecretsPayload_HasNoSecret()
    {
        var payload = JsonNode.Parse($$"""{"Tags":[{"Key":"db_password","Value":"hunter2"}],"Description":"use {{SecretKey}}"}""")!;
        var text = System.Text.Encoding.UTF8.GetString(Redactor.CanonicalRedacted(payload));

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
        Assert.Contains(Redactor.Mark, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db_password", true)]
    [InlineData("ClientSecret", true)]
    [InlineData("connectionString", true)]
    [InlineData("password_enabled", false)]
    [InlineData("PasswordLastUsed", false)]
    [InlineData("access_key_1_active", false)]
    [InlineData("AccessKeyId", false)]
    public void IsSensitiveName_Name_Classified(string name, bool sensitive)
    {
        Assert.Equal(sensitive, Redactor.IsSensitiveName(name));
    }
}
