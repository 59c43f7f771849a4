using System.Net;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>Throttling, injected failures and latency; each test runs its own server because it changes switches.</summary>
public sealed class SwitchesTests
{
    private static async Task<(HttpStatusCode, string)> XmlErrorAsync(HttpResponseMessage response)
    {
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, xml.Descendants().First(e => e.Name.LocalName == "Code").Value);
    }

    private static async Task<(HttpStatusCode, string)> JsonErrorAsync(HttpResponseMessage response) =>
        (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("__type").GetString()!);

    [Fact]
    public async Task SetThrottle_BurstExhausted_AnswersEachServicesThrottlingError()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        foreach (var service in new[] { "iam", "ec2", "kms", "s3" })
        {
            server.Switches.SetThrottle(service, 0.001, 2);
        }
        var signer = new TestSigner(server.BaseUrl);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await signer.QueryAsync("iam", "us-east-1", "ListUsers", "2010-05-08");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            (await signer.QueryAsync("ec2", "eu-west-1", "DescribeVpcs", "2016-11-15")).Dispose();
            (await signer.JsonAsync("kms", "eu-west-1", "TrentService.ListKeys")).Dispose();
            (await signer.GetAsync("s3", "us-east-1", "/")).Dispose();
        }
        Assert.Equal((HttpStatusCode.BadRequest, "Throttling"), await XmlErrorAsync(await signer.QueryAsync("iam", "us-east-1", "ListUsers", "2010-05-08")));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "RequestLimitExceeded"), await XmlErrorAsync(await signer.QueryAsync("ec2", "eu-west-1", "DescribeVpcs", "2016-11-15")));
        Assert.Equal((HttpStatusCode.BadRequest, "ThrottlingException"), await JsonErrorAsync(await signer.JsonAsync("kms", "eu-west-1", "TrentService.ListKeys")));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SlowDown"), await XmlErrorAsync(await signer.GetAsync("s3", "us-east-1", "/")));
        Assert.Equal(4, server.Stats.Throttled);

        // Another region has its own bucket.
        using var otherRegion = await signer.QueryAsync("ec2", "us-east-1", "DescribeVpcs", "2016-11-15");
        Assert.Equal(HttpStatusCode.OK, otherRegion.StatusCode);
    }

    [Fact]
    public async Task AddFailure_AccessDenied_AnswersTheServicesOwnAccessDenied()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "iam", Operation = "GetAccountPasswordPolicy", Kind = FailureKind.AccessDenied });
        server.Switches.AddFailure(new FailureRule { Service = "ec2", Kind = FailureKind.AccessDenied });
        server.Switches.AddFailure(new FailureRule { Service = "config", Kind = FailureKind.AccessDenied });
        server.Switches.AddFailure(new FailureRule { Service = "s3", Kind = FailureKind.AccessDenied });
        var signer = new TestSigner(server.BaseUrl);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), await XmlErrorAsync(await signer.QueryAsync("iam", "us-east-1", "GetAccountPasswordPolicy", "2010-05-08")));
        Assert.Equal((HttpStatusCode.Forbidden, "UnauthorizedOperation"), await XmlErrorAsync(await signer.QueryAsync("ec2", "eu-west-1", "DescribeVolumes", "2016-11-15")));
        Assert.Equal((HttpStatusCode.BadRequest, "AccessDeniedException"), await JsonErrorAsync(await signer.JsonAsync("config", "eu-west-1", "StarlingDoveService.DescribeConfigRules")));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), await XmlErrorAsync(await signer.GetAsync("s3", "us-east-1", "/")));
        using var other = await signer.QueryAsync("iam", "us-east-1", "ListUsers", "2010-05-08");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(4, server.Stats.InjectedFailures);
    }

    [Fact]
    public async Task AddFailure_InternalErrorTimesOne_FailsOnceThenRecovers()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "rds", Kind = FailureKind.InternalError, Times = 1 });
        var signer = new TestSigner(server.BaseUrl);
        Assert.Equal((HttpStatusCode.InternalServerError, "InternalFailure"), await XmlErrorAsync(await signer.QueryAsync("rds", "eu-west-1", "DescribeDBInstances", "2014-10-31")));
        using var second = await signer.QueryAsync("rds", "eu-west-1", "DescribeDBInstances", "2014-10-31");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task AddFailure_InjectedThrottle_AnswersThrottlingException()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "logs", Kind = FailureKind.Throttle, Account = Demo.Management, Region = "eu-west-1" });
        var signer = new TestSigner(server.BaseUrl);
        Assert.Equal((HttpStatusCode.BadRequest, "ThrottlingException"), await JsonErrorAsync(await signer.JsonAsync("logs", "eu-west-1", "Logs_20140328.DescribeLogGroups")));
        using var otherRegion = await signer.JsonAsync("logs", "us-east-1", "Logs_20140328.DescribeLogGroups");
        Assert.Equal(HttpStatusCode.OK, otherRegion.StatusCode);
    }

    [Fact]
    public async Task AddFailure_MalformedBody_Answers200WithUnparseableBody()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "iam", Operation = "ListUsers", Kind = FailureKind.MalformedBody });
        server.Switches.AddFailure(new FailureRule { Service = "kms", Kind = FailureKind.MalformedBody });
        var signer = new TestSigner(server.BaseUrl);
        using var xml = await signer.QueryAsync("iam", "us-east-1", "ListUsers", "2010-05-08");
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        var xmlBody = await xml.Content.ReadAsStringAsync();
        Assert.ThrowsAny<XmlException>(() => XDocument.Parse(xmlBody));
        using var json = await signer.JsonAsync("kms", "eu-west-1", "TrentService.ListKeys");
        var jsonBody = await json.Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(jsonBody));
    }

    [Fact]
    public async Task AddFailure_Timeout_HangsUntilTheClientGivesUp()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "cloudtrail", Kind = FailureKind.Timeout });
        var signer = new TestSigner(server.BaseUrl);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signer.SendAsync(HttpMethod.Post, "/", "", "cloudtrail", "eu-west-1", "{}"u8.ToArray(),
            "application/x-amz-json-1.1", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails", ct: cts.Token));
        server.Switches.ClearFailures();
        using var ok = await signer.JsonAsync("cloudtrail", "eu-west-1", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Latency_Set_DelaysEveryAnswer()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.Latency = TimeSpan.FromMilliseconds(200);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await new TestSigner(server.BaseUrl).QueryAsync("sts", "us-east-1", "GetCallerIdentity", "2011-06-15");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered after {started.Elapsed}");
        Assert.Equal(1, server.Stats.CallsTo("sts", "GetCallerIdentity"));
    }
}
