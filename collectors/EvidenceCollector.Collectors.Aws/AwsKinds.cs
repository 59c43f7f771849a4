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
    /// <summary>The id of an account-level setting.</summary>
    public static string AccountRoot(string account) => $"arn:aws:iam::{account}:root";

    /// <summary>The id of a regional setting that has no ARN of its own, e.g. <c>arn:aws:ec2:eu-west-1:123456789012:ebs-encryption-by-default</c>.</summary>
    public static string RegionalSetting(string service, string region, string account, string setting) => $"arn:aws:{service}:{region}:{account}:{setting}";
}
