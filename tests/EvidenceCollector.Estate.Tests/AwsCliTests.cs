using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>The real <c>aws</c> CLI (botocore) parses the estate's answers.</summary>
public sealed class AwsCliTests(EstateFixture estate) : IClassFixture<EstateFixture>
{
    private async Task<AwsCli.Result> RunAsync(string region, params string[] args)
    {
        var result = await AwsCli.RunAsync(estate.Server.BaseUrl, region, args);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result;
    }

    [Fact]
    public async Task IamListUsers_Cli_ParsesEveryUserAcrossPages()
    {
        var users = (await RunAsync("us-east-1", "iam", "list-users")).Json.GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()).ToList();
        Assert.Equal(["alice.admin", "ci-deploy", "bob.readonly", "old-contractor"], users);
    }

    [Fact]
    public async Task Ec2DescribeSecurityGroups_Cli_ParsesPermissions()
    {
        var groups = (await RunAsync("eu-west-1", "ec2", "describe-security-groups")).Json.GetProperty("SecurityGroups").EnumerateArray().ToList();
        Assert.Equal(4, groups.Count);
        var ssh = groups.Single(g => g.GetProperty("GroupName").GetString() == "bastion-ssh");
        Assert.Equal("0.0.0.0/0", ssh.GetProperty("IpPermissions")[0].GetProperty("IpRanges")[0].GetProperty("CidrIp").GetString());
    }

    [Fact]
    public async Task S3apiGetBucketEncryption_Cli_ParsesRuleAndNotFound()
    {
        var rule = (await RunAsync("us-east-1", "s3api", "get-bucket-encryption", "--bucket", "acme-cloudtrail-logs")).Json
            .GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0];
        Assert.Equal("aws:kms", rule.GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());

        var missing = await AwsCli.RunAsync(estate.Server.BaseUrl, "us-east-1", "s3api", "get-bucket-encryption", "--bucket", "acme-public-website");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ServerSideEncryptionConfigurationNotFoundError", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigserviceDescribeComplianceByConfigRule_Cli_ParsesCompliance()
    {
        var rules = (await RunAsync("eu-west-1", "configservice", "describe-compliance-by-config-rule")).Json
            .GetProperty("ComplianceByConfigRules").EnumerateArray().ToList();
        Assert.Equal(14, rules.Count);
        Assert.Equal("NON_COMPLIANT", rules.Single(r => r.GetProperty("ConfigRuleName").GetString() == "iam-user-mfa-enabled").GetProperty("Compliance").GetProperty("ComplianceType").GetString());
        Assert.Equal("INSUFFICIENT_DATA", rules.Single(r => r.GetProperty("ConfigRuleName").GetString() == "ec2-instance-no-public-ip").GetProperty("Compliance").GetProperty("ComplianceType").GetString());
    }

    [Fact]
    public async Task RdsAndKms_Cli_ParseInstancesAndKeys()
    {
        var dbs = (await RunAsync("eu-west-1", "rds", "describe-db-instances")).Json.GetProperty("DBInstances");
        Assert.Equal(1, dbs.GetArrayLength());
        Assert.True(dbs[0].GetProperty("StorageEncrypted").GetBoolean());
        var trails = (await RunAsync("us-east-1", "cloudtrail", "get-trail-status", "--name", "arn:aws:cloudtrail:eu-west-1:210987654321:trail/acme-org-trail")).Json;
        Assert.True(trails.GetProperty("IsLogging").GetBoolean());
    }
}
