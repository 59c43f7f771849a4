using System.Reflection;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>One AWS API operation the collectors can issue, with the IAM action that authorises it.</summary>
/// <param name="Service">The service key (<see cref="AwsService.Key"/>).</param>
/// <param name="Name">The API operation name, as in the API reference.</param>
/// <param name="IamAction">The action of the AWS Service Authorization Reference.</param>
public sealed record AwsOperation(string Service, string Name, string IamAction)
{
    public override string ToString() => $"{Service}:{Name}";
}

/// <summary>
/// The single registry of AWS operations. Every call — through an SDK client or the signed client — names
/// one of these, so <see cref="All"/> is exactly what the code can issue (the least-privilege test reads it).
/// </summary>
public static class AwsOperations
{
    // STS
    public static readonly AwsOperation StsGetCallerIdentity = new("sts", "GetCallerIdentity", "sts:GetCallerIdentity");
    public static readonly AwsOperation StsAssumeRole = new("sts", "AssumeRole", "sts:AssumeRole");

    // Organizations
    public static readonly AwsOperation OrgListAccounts = new("organizations", "ListAccounts", "organizations:ListAccounts");

    // IAM
    public static readonly AwsOperation IamGenerateCredentialReport = new("iam", "GenerateCredentialReport", "iam:GenerateCredentialReport");
    public static readonly AwsOperation IamGetCredentialReport = new("iam", "GetCredentialReport", "iam:GetCredentialReport");
    public static readonly AwsOperation IamGetAccountPasswordPolicy = new("iam", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy");
    public static readonly AwsOperation IamGetAccountSummary = new("iam", "GetAccountSummary", "iam:GetAccountSummary");
    public static readonly AwsOperation IamListPolicies = new("iam", "ListPolicies", "iam:ListPolicies");
    public static readonly AwsOperation IamGetPolicyVersion = new("iam", "GetPolicyVersion", "iam:GetPolicyVersion");
    public static readonly AwsOperation IamListUsers = new("iam", "ListUsers", "iam:ListUsers");
    public static readonly AwsOperation IamListAttachedUserPolicies = new("iam", "ListAttachedUserPolicies", "iam:ListAttachedUserPolicies");
    public static readonly AwsOperation IamListUserPolicies = new("iam", "ListUserPolicies", "iam:ListUserPolicies");
    public static readonly AwsOperation IamGetUserPolicy = new("iam", "GetUserPolicy", "iam:GetUserPolicy");
    public static readonly AwsOperation IamListGroups = new("iam", "ListGroups", "iam:ListGroups");
    public static readonly AwsOperation IamGetGroup = new("iam", "GetGroup", "iam:GetGroup");
    public static readonly AwsOperation IamListAttachedGroupPolicies = new("iam", "ListAttachedGroupPolicies", "iam:ListAttachedGroupPolicies");
    public static readonly AwsOperation IamListGroupPolicies = new("iam", "ListGroupPolicies", "iam:ListGroupPolicies");
    public static readonly AwsOperation IamGetGroupPolicy = new("iam", "GetGroupPolicy", "iam:GetGroupPolicy");
    public static readonly AwsOperation IamListRoles = new("iam", "ListRoles", "iam:ListRoles");
    public static readonly AwsOperation IamListAttachedRolePolicies = new("iam", "ListAttachedRolePolicies", "iam:ListAttachedRolePolicies");
    public static readonly AwsOperation IamListRolePolicies = new("iam", "ListRolePolicies", "iam:ListRolePolicies");
    public static readonly AwsOperation IamGetRolePolicy = new("iam", "GetRolePolicy", "iam:GetRolePolicy");

    // CloudTrail
    public static readonly AwsOperation TrailDescribeTrails = new("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails");
    public static readonly AwsOperation TrailGetTrailStatus = new("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus");
    public static readonly AwsOperation TrailGetEventSelectors = new("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors");

    // Config
    public static readonly AwsOperation ConfigDescribeConfigurationRecorders = new("config", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders");
    public static readonly AwsOperation ConfigDescribeConfigurationRecorderStatus = new("config", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus");
    public static readonly AwsOperation ConfigDescribeDeliveryChannels = new("config", "DescribeDeliveryChannels", "config:DescribeDeliveryChannels");
    public static readonly AwsOperation ConfigDescribeConfigRules = new("config", "DescribeConfigRules", "config:DescribeConfigRules");
    public static readonly AwsOperation ConfigDescribeComplianceByConfigRule = new("config", "DescribeComplianceByConfigRule", "config:DescribeComplianceByConfigRule");
    public static readonly AwsOperation ConfigDescribeConfigRuleEvaluationStatus = new("config", "DescribeConfigRuleEvaluationStatus", "config:DescribeConfigRuleEvaluationStatus");
    public static readonly AwsOperation ConfigGetComplianceDetailsByConfigRule = new("config", "GetComplianceDetailsByConfigRule", "config:GetComplianceDetailsByConfigRule");

    // S3 and S3 Control
    public static readonly AwsOperation S3ListBuckets = new("s3", "ListBuckets", "s3:ListAllMyBuckets");
    public static readonly AwsOperation S3GetBucketLocation = new("s3", "GetBucketLocation", "s3:GetBucketLocation");
    public static readonly AwsOperation S3GetBucketEncryption = new("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration");
    public static readonly AwsOperation S3GetPublicAccessBlock = new("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock");
    public static readonly AwsOperation S3GetBucketAcl = new("s3", "GetBucketAcl", "s3:GetBucketAcl");
    public static readonly AwsOperation S3GetBucketVersioning = new("s3", "GetBucketVersioning", "s3:GetBucketVersioning");
    public static readonly AwsOperation S3GetBucketLogging = new("s3", "GetBucketLogging", "s3:GetBucketLogging");
    public static readonly AwsOperation S3GetBucketPolicy = new("s3", "GetBucketPolicy", "s3:GetBucketPolicy");
    public static readonly AwsOperation S3GetObjectLockConfiguration = new("s3", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration");
    public static readonly AwsOperation S3ControlGetPublicAccessBlock = new("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock");

    // KMS
    public static readonly AwsOperation KmsListKeys = new("kms", "ListKeys", "kms:ListKeys");
    public static readonly AwsOperation KmsDescribeKey = new("kms", "DescribeKey", "kms:DescribeKey");
    public static readonly AwsOperation KmsGetKeyRotationStatus = new("kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus");

    // EC2 / VPC
    public static readonly AwsOperation Ec2DescribeRegions = new("ec2", "DescribeRegions", "ec2:DescribeRegions");
    public static readonly AwsOperation Ec2GetEbsEncryptionByDefault = new("ec2", "GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault");
    public static readonly AwsOperation Ec2DescribeVolumes = new("ec2", "DescribeVolumes", "ec2:DescribeVolumes");
    public static readonly AwsOperation Ec2DescribeSecurityGroups = new("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups");
    public static readonly AwsOperation Ec2DescribeVpcs = new("ec2", "DescribeVpcs", "ec2:DescribeVpcs");
    public static readonly AwsOperation Ec2DescribeFlowLogs = new("ec2", "DescribeFlowLogs", "ec2:DescribeFlowLogs");

    // RDS
    public static readonly AwsOperation RdsDescribeDBInstances = new("rds", "DescribeDBInstances", "rds:DescribeDBInstances");
    public static readonly AwsOperation RdsDescribeDBClusters = new("rds", "DescribeDBClusters", "rds:DescribeDBClusters");

    // CloudWatch Logs
    public static readonly AwsOperation LogsDescribeLogGroups = new("logs", "DescribeLogGroups", "logs:DescribeLogGroups");

    /// <summary>Every operation declared above (found by reflection, so nothing is hand-kept twice).</summary>
    public static IReadOnlyList<AwsOperation> All { get; } =
        typeof(AwsOperations).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(AwsOperation))
            .Select(f => (AwsOperation)f.GetValue(null)!)
            .ToList();
}
