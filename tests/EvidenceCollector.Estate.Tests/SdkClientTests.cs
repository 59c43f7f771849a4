using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>The real AWS SDK for .NET clients, pointed at the estate, parse its answers.</summary>
public sealed class SdkClientTests(EstateFixture estate) : IClassFixture<EstateFixture>
{
    private static readonly BasicAWSCredentials Credentials = new(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey);

    private string Url => estate.Server.BaseUrl.ToString();

    private AmazonEC2Client Ec2(string region) => new(Credentials, new AmazonEC2Config { ServiceURL = Url, AuthenticationRegion = region, MaxErrorRetry = 0 });

    private AmazonS3Client S3() => new(Credentials, new AmazonS3Config { ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    [Fact]
    public async Task Sts_GetCallerIdentity_ParsesAccount()
    {
        using var sts = new AmazonSecurityTokenServiceClient(Credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = Url, AuthenticationRegion = "us-east-1" });
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(Demo.Management, identity.Account);
    }

    [Fact]
    public async Task Ec2_DescribeSecurityGroups_ReturnsAllItemsAcrossPages()
    {
        using var ec2 = Ec2("eu-west-1");
        var groups = new List<SecurityGroup>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { NextToken = token });
            groups.AddRange(page.SecurityGroups);
            token = page.NextToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(4, groups.Count);
        Assert.Equal(2, pages);
        var ssh = groups.Single(g => g.GroupName == "bastion-ssh");
        Assert.Equal(22, ssh.IpPermissions.Single().FromPort);
        Assert.Equal("0.0.0.0/0", ssh.IpPermissions.Single().Ipv4Ranges.Single().CidrIp);
    }

    [Fact]
    public async Task Ec2_DescribeRegionsAllRegions_ListsDisabledRegionAsNotOptedIn()
    {
        using var ec2 = Ec2("eu-west-1");
        var regions = await ec2.DescribeRegionsAsync(new DescribeRegionsRequest { AllRegions = true });
        Assert.Equal("not-opted-in", regions.Regions.Single(r => r.RegionName == "ap-east-1").OptInStatus);
        Assert.Equal(3, regions.Regions.Count);
        var enabledOnly = await ec2.DescribeRegionsAsync(new DescribeRegionsRequest());
        Assert.Equal(2, enabledOnly.Regions.Count);
    }

    [Fact]
    public async Task Ec2_EbsDefaultsAndVolumes_ParseFromSdk()
    {
        using var ec2 = Ec2("us-east-1");
        Assert.False((await ec2.GetEbsEncryptionByDefaultAsync(new GetEbsEncryptionByDefaultRequest())).EbsEncryptionByDefault);
        var volumes = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest());
        Assert.False(volumes.Volumes.Single().Encrypted);
        Assert.Equal("alias/aws/ebs", (await ec2.GetEbsDefaultKmsKeyIdAsync(new GetEbsDefaultKmsKeyIdRequest())).KmsKeyId);
    }

    [Fact]
    public async Task S3_ListBucketsPaged_ReturnsEveryBucketWithRegion()
    {
        using var s3 = S3();
        var buckets = new List<S3Bucket>();
        string? token = null;
        do
        {
            var page = await s3.ListBucketsAsync(new ListBucketsRequest { MaxBuckets = 3, ContinuationToken = token });
            buckets.AddRange(page.Buckets);
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(4, buckets.Count);
        Assert.Equal("us-east-1", buckets.Single(b => b.BucketName == "acme-public-website").BucketRegion);
    }

    [Fact]
    public async Task S3_ListBucketsWithoutParameters_AnswersEveryBucketWithoutRegionOrToken()
    {
        // The legacy unpaginated form: AWS includes BucketRegion only when the request has at least one
        // ListBuckets parameter, and BucketArn only for directory buckets.
        using var raw = await new TestSigner(estate.Server.BaseUrl).GetAsync("s3", "us-east-1", "/");
        var xml = await raw.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(xml, "<Bucket>"));
        Assert.DoesNotContain("BucketRegion", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("BucketArn", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("ContinuationToken", xml, StringComparison.Ordinal);

        using var paged = await new TestSigner(estate.Server.BaseUrl).GetAsync("s3", "us-east-1", "/", "max-buckets=10");
        var pagedXml = await paged.Content.ReadAsStringAsync();
        var onPage = System.Text.RegularExpressions.Regex.Count(pagedXml, "<Bucket>");
        Assert.InRange(onPage, 1, 4);
        Assert.Equal(onPage, System.Text.RegularExpressions.Regex.Count(pagedXml, "<BucketRegion>"));
        Assert.DoesNotContain("BucketArn", pagedXml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_BucketWithoutEncryption_Answers404ServerSideEncryptionConfigurationNotFoundError()
    {
        using var raw = await new TestSigner(estate.Server.BaseUrl).GetAsync("s3", "us-east-1", "/acme-public-website", "encryption");
        Assert.Equal(HttpStatusCode.NotFound, raw.StatusCode);
        Assert.Contains("<Code>ServerSideEncryptionConfigurationNotFoundError</Code>", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // AWSSDK.S3 v4 does not throw on this 404: it returns the status and no configuration.
        using var s3 = S3();
        var response = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "acme-public-website" });
        Assert.Equal(HttpStatusCode.NotFound, response.HttpStatusCode);
        Assert.Null(response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault());
    }

    [Fact]
    public async Task S3_BucketConfigurations_ParseFromSdk()
    {
        using var s3 = S3();
        var acl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = "acme-public-website" });
        Assert.Contains(acl.Grants, g => g.Grantee.URI == "http://acs.amazonaws.com/groups/global/AllUsers" && g.Permission == S3Permission.READ);
        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "acme-cloudtrail-logs" });
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        var pab = await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "acme-cloudtrail-logs" });
        Assert.True(pab.PublicAccessBlockConfiguration.BlockPublicAcls);
        var policy = await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = "acme-cloudtrail-logs" });
        Assert.Contains("aws:SecureTransport", policy.Policy, StringComparison.Ordinal);
        var objectLock = await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = "acme-cloudtrail-logs" });
        Assert.Equal(365, objectLock.ObjectLockConfiguration.Rule.DefaultRetention.Days);
        var logging = await s3.GetBucketLoggingAsync(new GetBucketLoggingRequest { BucketName = "acme-cloudtrail-logs" });
        Assert.Equal("acme-access-logs", logging.BucketLoggingConfig.TargetBucketName);
        using var noPolicy = await new TestSigner(estate.Server.BaseUrl).GetAsync("s3", "us-east-1", "/acme-public-website", "policy");
        Assert.Equal(HttpStatusCode.NotFound, noPolicy.StatusCode);
        Assert.Contains("<Code>NoSuchBucketPolicy</Code>", await noPolicy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kms_KeysAcrossPages_DescribeAndRotation()
    {
        var ec2Region = "eu-west-1";
        using var sts = new AmazonSecurityTokenServiceClient(Credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = Url, AuthenticationRegion = ec2Region });
        var session = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = $"arn:aws:iam::{Demo.Prod}:role/EvidenceCollectorReadOnly", RoleSessionName = "kms" });
        using var kms = new AmazonKeyManagementServiceClient(session.Credentials, new AmazonKeyManagementServiceConfig { ServiceURL = Url, AuthenticationRegion = ec2Region, MaxErrorRetry = 0 });
        var keys = new List<KeyListEntry>();
        string? marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Marker = marker });
            keys.AddRange(page.Keys);
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        Assert.Equal(4, keys.Count);
        var pending = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/prod-legacy-app" });
        Assert.Equal(KeyState.PendingDeletion, pending.KeyMetadata.KeyState);
        Assert.NotNull(pending.KeyMetadata.DeletionDate);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = pending.KeyMetadata.KeyId }));
        var rotation = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = "9e8d7c6b-4444-4a5b-8c7d-6e5f4a3b2c1d" });
        Assert.True(rotation.KeyRotationEnabled);
    }
}
