using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.CloudTrail.Checks;
using EvidenceCollector.Collectors.Aws.Config.Checks;
using EvidenceCollector.Collectors.Aws.Ec2.Checks;
using EvidenceCollector.Collectors.Aws.Iam.Checks;
using EvidenceCollector.Collectors.Aws.Kms.Checks;
using EvidenceCollector.Collectors.Aws.Logs.Checks;
using EvidenceCollector.Collectors.Aws.Rds.Checks;
using EvidenceCollector.Collectors.Aws.S3.Checks;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>Every built-in AWS check, for registration, the mapping validator and the tests.</summary>
public static class AwsChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        new RootMfaEnabledCheck(), new RootNoAccessKeysCheck(), new RootNotRecentlyUsedCheck(), new UserConsoleMfaCheck(),
        new AccessKeysRotatedCheck(), new CredentialsUnusedCheck(),
        new PasswordPolicyMinimumLengthCheck(), new PasswordPolicyReuseCheck(), new PasswordPolicyUppercaseCheck(), new PasswordPolicyLowercaseCheck(),
        new PasswordPolicyNumbersCheck(), new PasswordPolicySymbolsCheck(), new AccountMfaEnabledCheck(),
        new CustomerPolicyNoAdminCheck(), new AwsAttachedPolicyNoAdminCheck(), new UserNoDirectPoliciesCheck(), new UserNoAdministratorAccessCheck(),
        new MultiRegionTrailCheck(), new TrailLoggingCheck(), new LogFileValidationCheck(), new TrailKmsEncryptionCheck(), new TrailCloudWatchLogsCheck(), new TrailBucketNotPublicCheck(),
        new RecorderEnabledCheck(), new RecorderAllResourcesCheck(), new DeliveryChannelCheck(), new GlobalResourcesRecordedCheck(), new ConfigRuleResultsCheck(),
        new BucketDefaultEncryptionCheck(), new BucketKmsEncryptionCheck(), new BucketPublicAccessBlockCheck(), new BucketAclNotPublicCheck(), new BucketVersioningCheck(),
        new BucketAccessLoggingCheck(), new BucketSecureTransportCheck(), new BucketObjectLockCheck(), new AccountPublicAccessBlockCheck(),
        new KeyRotationCheck(), new KeyNotPendingDeletionCheck(),
        new EbsDefaultEncryptionCheck(), new VolumeEncryptedCheck(), new SecurityGroupSshCheck(), new SecurityGroupRdpCheck(), new SecurityGroupAllPortsCheck(),
        new VpcFlowLogsCheck(), new DefaultSecurityGroupCheck(),
        new StorageEncryptedCheck(), new NotPublicCheck(), new BackupRetentionCheck(), new DeletionProtectionCheck(),
        new LogGroupRetentionCheck(), new LogGroupKmsCheck(),
    ];
}
