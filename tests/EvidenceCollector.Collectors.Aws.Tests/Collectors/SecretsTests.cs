using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Aws;
using EvidenceCollector.Redaction;

namespace EvidenceCollector.Collectors.Aws.Tests.Collectors;

/// <summary>Secrets planted in API answers never survive the runner's redaction of collector records, and never reach logs.</summary>
public sealed class SecretsTests
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKY";
    private const string ConnectionPassword = "Hunter2-Corr3ct-Horse";
    private const string AccountKey = "bXlzZWNyZXRrZXlteXNlY3JldGtleW15c2VjcmV0a2V5bXlzZWNyZXQ=";
    private const string PresignSignature = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
    private static readonly string SessionToken = "FwoGZXIvYXdzEBYaDK" + new string('Q', 60) + "x9sLnPqRt" + new string('z', 50);
    private const string PrivateKeyBody = "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0x2RzZmlsZXN0ZXN0aW5nMTIzNA";

    [Fact]
    public async Task CollectAsync_SecretsInTagsAndNames_AreRedactedAndNeverLogged()
    {
        var estate = JsonNode.Parse(EstateDefinition.Demo().ToJson())!;
        var account = estate["accounts"]!.AsArray().First(a => a!["id"]!.GetValue<string>() == "345678901234")!;
        var volume = account["regions"]!["eu-west-1"]!["volumes"]!.AsArray()[0]!;
        volume["tags"] = new JsonObject
        {
            ["note1"] = SecretKey,
            ["note2"] = $"Server=tcp:db;Database=app;User Id=app;Password={ConnectionPassword};",
            ["note3"] = $"DefaultEndpointsProtocol=https;AccountName=x;AccountKey={AccountKey};EndpointSuffix=core.windows.net",
            ["note4"] = SessionToken,
            ["note5"] = $"-----BEGIN RSA PRIVATE KEY-----\n{PrivateKeyBody}\n-----END RSA PRIVATE KEY-----",
            ["note6"] = $"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={PresignSignature}",
        };
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(estate.ToJsonString()));
        await using var server = await EstateServer.StartAsync(EstateDefinition.Load(stream, "planted.json"));
        var logs = new CapturingLoggerFactory();
        var options = AwsHarness.FastOptions();
        options.HomeRegion = "eu-west-1";
        options.Regions.Add("eu-west-1");
        options.Accounts.Add(new AwsAccountOptions { RoleArn = "arn:aws:iam::345678901234:role/EvidenceCollectorReadOnly" });
        server.Switches.AddFailure(new FailureRule { Service = "ec2", Operation = "DescribeFlowLogs", Kind = FailureKind.AccessDenied });
        var harness = AwsHarness.ForUrl(server.BaseUrl, new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey), options, logs);

        var run = await harness.RunAsync();

        var records = run.Records.ToList();
        var raw = string.Join("\n", records.Select(r => r.Payload.ToJsonString()));
        Assert.Contains(ConnectionPassword, raw, StringComparison.Ordinal); // planted secrets really came back from the API
        var redacted = string.Join("\n", records.Select(r => Redactor.Redact(r.Payload.DeepClone())!.ToJsonString()));
        var secrets = new[] { SecretKey, ConnectionPassword, AccountKey, SessionToken, PrivateKeyBody, PresignSignature, DemoCredentials.SecretAccessKey };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        }

        Assert.NotEmpty(logs.Lines);
        var logText = string.Join("\n", logs.Lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logText, StringComparison.Ordinal);
        }

        var sessionSecrets = records.Select(r => r.Provenance.Endpoint ?? string.Empty);
        Assert.DoesNotContain(sessionSecrets, e => e.Contains('@', StringComparison.Ordinal));
    }
}
