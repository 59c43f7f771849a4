using System.Diagnostics;
using Amazon.Runtime;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Moto;

/// <summary>
/// The real collectors against moto (a second, independent AWS implementation), reached through an
/// <c>AWS_ENDPOINT_URL</c> override exactly as a user would configure it. Where moto differs from AWS (see
/// moto-notes.md) the tests expect the AWS-faithful outcome: e.g. no <c>&lt;root_account&gt;</c> row → root checks err.
/// </summary>
public sealed class MotoCollectorTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Account = "123456789012";

    private async Task SeedAsync()
    {
        await moto.ResetAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "Moto", "seed_moto.py");
        var info = new ProcessStartInfo("python3", [script, moto.BaseUrl.ToString().TrimEnd('/')]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"seeding moto failed: {stdout} {await stderr}");
    }

    private AwsHarness Harness()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = moto.BaseUrl.ToString() };
        var endpoints = new AwsEndpoints(null, environment.GetValueOrDefault);
        var options = AwsHarness.FastOptions();
        options.Regions.Add("us-east-1");
        return new AwsHarness(endpoints, new AwsOverride(new BasicAWSCredentials("testing", "testing"), moto.BaseUrl), options);
    }

    [Fact]
    public async Task RunAsync_SeededMoto_CollectsEvidenceAndChecksJudgeIt()
    {
        Assert.True(moto.StartError is null, moto.StartError);
        await SeedAsync();

        var run = await Harness().RunAsync();

        Assert.Empty(run.Errors);
        Assert.Contains(run.Plan.Records, r => r.Record.Kind == AwsKinds.CallerIdentity && r.Record.Payload["Account"]!.GetValue<string>() == Account);
        var records = run.Records.ToList();
        foreach (var kind in new[] { AwsKinds.IamCredentialReport, AwsKinds.IamUser, AwsKinds.IamPolicy, AwsKinds.S3Bucket, AwsKinds.Ec2SecurityGroup, AwsKinds.Ec2Volume, AwsKinds.KmsKey, AwsKinds.RdsDbInstance, AwsKinds.LogsLogGroup, AwsKinds.CloudTrailTrail, AwsKinds.Ec2Vpc })
        {
            Assert.Contains(records, r => r.Kind == kind);
        }

        var findings = AwsChecks.All.SelectMany(c => c.Evaluate(Evidence.FromRecords(Account, records, c.Metadata.EvidenceKinds)).Select(r => (c.Metadata.Id, r))).ToList();
        FindingStatus Status(string check, string resourceEnd) => findings.Single(f => f.Id == check && f.r.ResourceId.EndsWith(resourceEnd, StringComparison.Ordinal)).r.Status;

        Assert.Equal(FindingStatus.Fail, Status("aws.iam.user_console_mfa_enabled", ":user/alice"));
        Assert.Equal(FindingStatus.Fail, Status("aws.iam.user_no_administrator_access", ":user/alice"));
        Assert.Equal(FindingStatus.Fail, Status("aws.iam.customer_policy_no_admin", ":policy/everything"));
        Assert.Equal(FindingStatus.Pass, Status("aws.iam.customer_policy_no_admin", ":policy/readonly-s3"));
        Assert.Equal(FindingStatus.Error, findings.Single(f => f.Id == "aws.iam.root_mfa_enabled").r.Status); // moto has no <root_account> row
        Assert.Equal(FindingStatus.Fail, Status("aws.s3.bucket_default_encryption_enabled", ":::moto-open"));
        Assert.Equal(FindingStatus.Pass, Status("aws.s3.bucket_default_encryption_enabled", ":::moto-locked"));
        Assert.Equal(FindingStatus.Fail, Status("aws.s3.bucket_acl_not_public", ":::moto-open"));
        Assert.Equal(FindingStatus.Pass, Status("aws.s3.bucket_secure_transport_required", ":::moto-locked"));
        Assert.Equal(FindingStatus.Pass, Status("aws.s3.bucket_versioning_enabled", ":::moto-locked"));
        Assert.Contains(findings, f => f.Id == "aws.ec2.sg_no_internet_ingress_ssh" && f.r.Status == FindingStatus.Fail);
        Assert.Contains(findings, f => f.Id == "aws.ec2.volume_encrypted" && f.r.Status == FindingStatus.Fail);
        Assert.Equal(FindingStatus.Fail, Status("aws.rds.instance_not_public", ":db:moto-db"));
        Assert.Equal(FindingStatus.Fail, Status("aws.rds.instance_storage_encrypted", ":db:moto-db"));
        Assert.Equal(FindingStatus.Fail, Status("aws.logs.log_group_retention_365_days", ":log-group:/moto/app"));
        Assert.Contains(findings, f => f.Id == "aws.kms.cmk_rotation_enabled" && f.r.Status == FindingStatus.Fail);
        Assert.Equal(FindingStatus.Pass, Status("aws.cloudtrail.log_file_validation_enabled", ":trail/main"));
    }
}
