namespace EvidenceCollector.Collectors.Aws;

/// <summary>
/// Evidence kinds of the AWS collectors. Resource ids are ARNs; account-level settings use
/// <c>arn:aws:iam::&lt;account&gt;:root</c>; a regional setting with no ARN of its own uses
/// <c>arn:aws:&lt;service&gt;:&lt;region&gt;:&lt;account&gt;:&lt;setting&gt;</c> (see <see cref="AwsArn.RegionalSetting"/>).
/// </summary>
public static class AwsKinds
{
    public const string CallerIdentity = "aws.sts.caller_identity";
    public const string IamCredentialReport = "aws.iam.credential_report";
    public const string IamPasswordPolicy = "aws.iam.password_policy";
    public const string IamAccountSummary = "aws.iam.account_summary";
    public const string IamPolicy = "aws.iam.policy";
    public const string IamUser = "aws.iam.user";
    public const string IamGroup = "aws.iam.group";
    public const string IamRole = "aws.iam.role";
    public const string CloudTrailTrail = "aws.cloudtrail.trail";
    public const string ConfigRecorders = "aws.config.recorders";
    public const string ConfigRule = "aws.config.rule";
    public const string S3Bucket = "aws.s3.bucket";
    public const string S3AccountPublicAccessBlock = "aws.s3.account_public_access_block";
    public const string KmsKey = "aws.kms.key";
    public const string Ec2EbsEncryptionDefault = "aws.ec2.ebs_encryption_default";
    public const string Ec2Volume = "aws.ec2.volume";
    public const string Ec2SecurityGroup = "aws.ec2.security_group";
    public const string Ec2Vpc = "aws.ec2.vpc";
    public const string RdsDbInstance = "aws.rds.db_instance";
    public const string LogsLogGroup = "aws.logs.log_group";
}

public static class AwsArn
{
    /// <summary>The ARN partition of a region: <c>aws-cn</c> for China, <c>aws-us-gov</c> for GovCloud, <c>aws</c> otherwise.</summary>
    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    /// <summary>
    /// The ARN of a resource AWS Config names by type and resource id, as the native checks write it; null for a
    /// type whose Config resource id carries no ARN pattern (IAM users, roles, groups and policies are named by
    /// their unique ids; RDS instances by their DbiResourceId; SQS queues by their URL), which keep Config's id.
    /// </summary>
    public static string? ForConfigResource(string resourceType, string resourceId, string region, string account)
    {
        if (resourceId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return resourceId;
        }

        var p = Partition(region);
        return resourceType switch
        {
            "AWS::::Account" => AccountRoot(account),
            "AWS::S3::Bucket" => $"arn:{p}:s3:::{resourceId}",
            "AWS::EC2::Instance" => $"arn:{p}:ec2:{region}:{account}:instance/{resourceId}",
            "AWS::EC2::Volume" => $"arn:{p}:ec2:{region}:{account}:volume/{resourceId}",
            "AWS::EC2::SecurityGroup" => $"arn:{p}:ec2:{region}:{account}:security-group/{resourceId}",
            "AWS::EC2::VPC" => $"arn:{p}:ec2:{region}:{account}:vpc/{resourceId}",
            "AWS::EC2::Subnet" => $"arn:{p}:ec2:{region}:{account}:subnet/{resourceId}",
            "AWS::EC2::NetworkInterface" => $"arn:{p}:ec2:{region}:{account}:network-interface/{resourceId}",
            "AWS::EC2::NetworkAcl" => $"arn:{p}:ec2:{region}:{account}:network-acl/{resourceId}",
            "AWS::EC2::InternetGateway" => $"arn:{p}:ec2:{region}:{account}:internet-gateway/{resourceId}",
            "AWS::EC2::RouteTable" => $"arn:{p}:ec2:{region}:{account}:route-table/{resourceId}",
            "AWS::KMS::Key" => $"arn:{p}:kms:{region}:{account}:key/{resourceId}",
            "AWS::Lambda::Function" => $"arn:{p}:lambda:{region}:{account}:function:{resourceId}",
            "AWS::DynamoDB::Table" => $"arn:{p}:dynamodb:{region}:{account}:table/{resourceId}",
            "AWS::CloudTrail::Trail" => $"arn:{p}:cloudtrail:{region}:{account}:trail/{resourceId}",
            "AWS::EKS::Cluster" => $"arn:{p}:eks:{region}:{account}:cluster/{resourceId}",
            "AWS::ECR::Repository" => $"arn:{p}:ecr:{region}:{account}:repository/{resourceId}",
            _ => null,
        };
    }

    /// <summary>The id of an account-level setting.</summary>
    public static string AccountRoot(string account) => $"arn:aws:iam::{account}:root";

    /// <summary>The id of an account-level setting in the partition of <paramref name="region"/>.</summary>
    public static string AccountRoot(string account, string region) => $"arn:{Partition(region)}:iam::{account}:root";

    /// <summary>The id of a regional setting that has no ARN of its own, e.g. <c>arn:aws:ec2:eu-west-1:123456789012:ebs-encryption-by-default</c>.</summary>
    public static string RegionalSetting(string service, string region, string account, string setting) => $"arn:aws:{service}:{region}:{account}:{setting}";
}
