using System.Net;
using System.Text.Json;
using System.Xml.Linq;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

public sealed class JsonServicesTests(EstateFixture estate) : IClassFixture<EstateFixture>
{
    private TestSigner Signer => new(estate.Server.BaseUrl);

    /// <summary>Follows a JSON token across pages and returns every item of <paramref name="list"/>.</summary>
    private async Task<List<JsonElement>> AllPagesAsync(string service, string region, string target, string list, string tokenIn, string tokenOut, string extra = "")
    {
        var items = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var body = token is null ? $"{{{extra}}}" : $"{{\"{tokenIn}\":\"{token}\"{(extra.Length > 0 ? "," + extra : "")}}}";
            using var response = await Signer.JsonAsync(service, region, target, body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            items.AddRange(json.GetProperty(list).EnumerateArray());
            token = json.TryGetProperty(tokenOut, out var t) ? t.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 100);
        return items;
    }

    [Fact]
    public async Task Config_GetComplianceDetailsByConfigRule_ReturnsAllResultsAcrossPages()
    {
        var results = await AllPagesAsync("config", "eu-west-1", "StarlingDoveService.GetComplianceDetailsByConfigRule", "EvaluationResults", "NextToken", "NextToken",
            "\"ConfigRuleName\":\"iam-user-mfa-enabled\"");
        Assert.Equal(4, results.Count);
        var qualifier = results[1].GetProperty("EvaluationResultIdentifier").GetProperty("EvaluationResultQualifier");
        Assert.Equal("AWS::IAM::User", qualifier.GetProperty("ResourceType").GetString());
        Assert.Equal("NON_COMPLIANT", results[1].GetProperty("ComplianceType").GetString());
    }

    [Fact]
    public async Task Config_DescribeConfigRules_IncludesManagedAndCustomRules()
    {
        var rules = await AllPagesAsync("config", "eu-west-1", "StarlingDoveService.DescribeConfigRules", "ConfigRules", "NextToken", "NextToken");
        Assert.True(rules.Count(r => r.GetProperty("Source").GetProperty("Owner").GetString() == "AWS") >= 8);
        Assert.Contains(rules, r => r.GetProperty("Source").GetProperty("Owner").GetString() == "CUSTOM_LAMBDA");
    }

    [Fact]
    public async Task Config_UnknownRule_AnswersNoSuchConfigRuleException()
    {
        using var response = await Signer.JsonAsync("config", "eu-west-1", "StarlingDoveService.GetComplianceDetailsByConfigRule", "{\"ConfigRuleName\":\"nope\"}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("NoSuchConfigRuleException", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task CloudTrail_DescribeTrails_MultiRegionTrailAppearsInEveryRegionAndMemberAccounts()
    {
        using var home = await Signer.JsonAsync("cloudtrail", "us-east-1", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails");
        var trail = JsonDocument.Parse(await home.Content.ReadAsStringAsync()).RootElement.GetProperty("trailList").EnumerateArray().Single();
        Assert.Equal("eu-west-1", trail.GetProperty("HomeRegion").GetString());
        Assert.True(trail.GetProperty("LogFileValidationEnabled").GetBoolean());

        using var noShadow = await Signer.JsonAsync("cloudtrail", "us-east-1", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails", "{\"includeShadowTrails\":false}");
        Assert.Empty(JsonDocument.Parse(await noShadow.Content.ReadAsStringAsync()).RootElement.GetProperty("trailList").EnumerateArray());

        using var selectors = await Signer.JsonAsync("cloudtrail", "eu-west-1", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetEventSelectors", "{\"TrailName\":\"acme-org-trail\"}");
        Assert.Equal("All", JsonDocument.Parse(await selectors.Content.ReadAsStringAsync()).RootElement.GetProperty("EventSelectors")[0].GetProperty("ReadWriteType").GetString());
    }

    [Fact]
    public async Task Organizations_ListAccounts_ReturnsAllAccountsAcrossPages()
    {
        var accounts = await AllPagesAsync("organizations", "us-east-1", "AWSOrganizationsV20161128.ListAccounts", "Accounts", "NextToken", "NextToken");
        Assert.Equal([Demo.Management, Demo.Prod, Demo.Dev], accounts.Select(a => a.GetProperty("Id").GetString()));
    }

    [Fact]
    public async Task Logs_DescribeLogGroups_RetentionAbsentMeansNeverExpire()
    {
        var groups = await AllPagesAsync("logs", "eu-west-1", "Logs_20140328.DescribeLogGroups", "logGroups", "nextToken", "nextToken");
        Assert.Equal(3, groups.Count);
        Assert.Contains(groups, g => g.GetProperty("logGroupName").GetString() == "aws-cloudtrail-logs-acme" && g.TryGetProperty("kmsKeyId", out _));
        using var us = await Signer.JsonAsync("logs", "us-east-1", "Logs_20140328.DescribeLogGroups");
        var single = JsonDocument.Parse(await us.Content.ReadAsStringAsync()).RootElement.GetProperty("logGroups")[0];
        Assert.False(single.TryGetProperty("retentionInDays", out _));
    }

    [Fact]
    public async Task Iam_CredentialReport_StartedThenCompleteWithRootRow()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        var signer = new TestSigner(server.BaseUrl);
        using var notYet = await signer.QueryAsync("iam", "us-east-1", "GetCredentialReport", "2010-05-08");
        Assert.Equal(HttpStatusCode.Gone, notYet.StatusCode);
        using var first = await signer.QueryAsync("iam", "us-east-1", "GenerateCredentialReport", "2010-05-08");
        Assert.Contains("<State>STARTED</State>", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var second = await signer.QueryAsync("iam", "us-east-1", "GenerateCredentialReport", "2010-05-08");
        Assert.Contains("<State>COMPLETE</State>", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var report = await signer.QueryAsync("iam", "us-east-1", "GetCredentialReport", "2010-05-08");
        var content = XDocument.Parse(await report.Content.ReadAsStringAsync()).Descendants().Single(e => e.Name.LocalName == "Content").Value;
        var lines = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(content)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("user,arn,user_creation_time,password_enabled,password_last_used", lines[0], StringComparison.Ordinal);
        Assert.Equal(22, lines[0].Split(',').Length);
        Assert.StartsWith("<root_account>,arn:aws:iam::210987654321:root,", lines[1], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Equal(22, l.Split(',').Length));
    }

    [Fact]
    public async Task Iam_ListPoliciesLocal_PagesWithMarkerAndDocumentIsUrlEncoded()
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            (string, string)[] p = marker is null ? [("Scope", "Local")] : [("Scope", "Local"), ("Marker", marker)];
            using var page = await Signer.QueryAsync("iam", "us-east-1", "ListPolicies", "2010-05-08", p);
            var xml = XDocument.Parse(await page.Content.ReadAsStringAsync());
            names.AddRange(xml.Descendants().Where(e => e.Name.LocalName == "PolicyName").Select(e => e.Value));
            marker = xml.Descendants().SingleOrDefault(e => e.Name.LocalName == "Marker")?.Value;
        }
        while (marker is not null);
        Assert.Equal(["DeployEverything", "S3DataReadOnly", "UnusedLegacyPolicy"], names);

        using var version = await Signer.QueryAsync("iam", "us-east-1", "GetPolicyVersion", "2010-05-08",
            ("PolicyArn", $"arn:aws:iam::{Demo.Management}:policy/DeployEverything"), ("VersionId", "v1"));
        var document = XDocument.Parse(await version.Content.ReadAsStringAsync()).Descendants().Single(e => e.Name.LocalName == "Document").Value;
        Assert.StartsWith("%7B", document, StringComparison.Ordinal);
        Assert.Equal("*", JsonDocument.Parse(Uri.UnescapeDataString(document)).RootElement.GetProperty("Statement")[0].GetProperty("Action").GetString());
    }

    [Fact]
    public async Task Iam_NoPasswordPolicy_AnswersNoSuchEntity404()
    {
        using var assume = await Signer.QueryAsync("sts", "us-east-1", "AssumeRole", "2011-06-15",
            ("RoleArn", $"arn:aws:iam::{Demo.Dev}:role/EvidenceCollectorReadOnly"), ("RoleSessionName", "t"));
        var xml = XDocument.Parse(await assume.Content.ReadAsStringAsync());
        string V(string n) => xml.Descendants().Single(e => e.Name.LocalName == n).Value;
        using var response = await new TestSigner(estate.Server.BaseUrl, V("AccessKeyId"), V("SecretAccessKey"), V("SessionToken"))
            .QueryAsync("iam", "us-east-1", "GetAccountPasswordPolicy", "2010-05-08");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ErrorResponse", error.Root!.Name.LocalName);
        Assert.Equal("NoSuchEntity", error.Descendants().Single(e => e.Name.LocalName == "Code").Value);
    }

    [Fact]
    public async Task S3Control_GetPublicAccessBlock_AnswersConfigurationOr404()
    {
        using var response = await Signer.GetAsync("s3", "us-east-1", "/v20180820/configuration/publicAccessBlock", "",
            new Dictionary<string, string> { ["x-amz-account-id"] = Demo.Management });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<BlockPublicAcls>true</BlockPublicAcls>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, estate.Server.Stats.CallsTo("s3control", "GetPublicAccessBlock"));
    }
}
