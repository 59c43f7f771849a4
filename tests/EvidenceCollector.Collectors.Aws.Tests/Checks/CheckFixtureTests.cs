using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Checks;

/// <summary>Every built-in check on JSON snapshots: evidence in, findings out. No mocks, no clock.</summary>
public sealed class CheckFixtureTests
{
    private const string At = "\"collectedAt\":\"2026-11-30T00:00:00.000Z\"";
    private const string Err = "{\"error\":{\"code\":\"AccessDenied\",\"message\":\"denied\"}}";

    /// <summary>Credential report evidence whose CSV has one row: the header is the row's columns, in order.</summary>
    private static string Report(string row)
    {
        var cells = System.Text.Json.Nodes.JsonNode.Parse(row)!.AsObject().Select(p => (p.Key, Value: p.Value!.GetValue<string>())).ToList();
        return ReportCsv(string.Join(",", cells.Select(c => c.Key)) + "\n" + string.Join(",", cells.Select(c => CsvCell(c.Value))) + "\n");
    }

    private static string ReportCsv(string csv) =>
        "{" + At + ",\"Csv\":" + System.Text.Json.JsonSerializer.Serialize(csv) + "}";

    private static string CsvCell(string value) =>
        value.IndexOfAny([',', '"', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Root(string fields) =>
        WithDefaults("{\"user\":\"<root_account>\",\"arn\":\"arn:aws:iam::123456789012:root\",\"password_enabled\":\"not_supported\"," + fields + "}");

    private static string User(string fields) =>
        WithDefaults("{\"user\":\"u\",\"arn\":\"arn:aws:iam::123456789012:user/u\",\"user_creation_time\":\"2020-01-01T00:00:00+00:00\"," + fields + "}");

    /// <summary>A real report has every yes/no column: the ones a case does not set are "false".</summary>
    private static string WithDefaults(string row)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(row)!.AsObject();
        foreach (var column in new[] { "password_enabled", "mfa_active", "access_key_1_active", "access_key_2_active" })
        {
            node[column] ??= "false";
        }

        return node.ToJsonString();
    }

    private const string StrongPolicy = "{\"PasswordPolicyPresent\":true,\"PasswordPolicy\":{\"MinimumPasswordLength\":\"14\",\"PasswordReusePrevention\":\"24\",\"RequireUppercaseCharacters\":\"true\",\"RequireLowercaseCharacters\":\"true\",\"RequireNumbers\":\"true\",\"RequireSymbols\":\"true\"}}";
    private const string WeakPolicy = "{\"PasswordPolicyPresent\":true,\"PasswordPolicy\":{\"MinimumPasswordLength\":\"8\",\"PasswordReusePrevention\":\"3\",\"RequireUppercaseCharacters\":\"false\",\"RequireLowercaseCharacters\":\"false\",\"RequireNumbers\":\"false\",\"RequireSymbols\":\"false\"}}";

    private static string Policy(string scope, string statement) =>
        "{\"Arn\":\"arn:aws:iam::123456789012:policy/p\",\"Scope\":\"" + scope + "\",\"PolicyVersion\":{\"Document\":{\"Version\":\"2012-10-17\",\"Statement\":" + statement + "}}}";

    private const string AdminStatement = "[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]";
    private const string ScopedStatement = "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"*\"}";

    private static string IamUser(string attached, string inline) =>
        "{\"User\":{\"UserName\":\"u\"},\"AttachedPolicies\":{\"AttachedPolicies\":" + attached + "},\"InlinePolicies\":{\"PolicyNames\":" + inline + "}}";

    private static string Trail(string trail, string status = "{\"IsLogging\":true}", string selectors = "{\"EventSelectors\":[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]}", bool shadow = false) =>
        "{\"Trail\":" + trail + ",\"IsShadow\":" + (shadow ? "true" : "false") + ",\"Status\":" + status + ",\"EventSelectors\":" + selectors + "}";

    private const string GoodTrail = "{\"Name\":\"t\",\"TrailARN\":\"arn:aws:cloudtrail:eu-west-1:123456789012:trail/t\",\"HomeRegion\":\"eu-west-1\",\"IsMultiRegionTrail\":true,\"LogFileValidationEnabled\":true,\"KmsKeyId\":\"arn:aws:kms:eu-west-1:123456789012:key/k\",\"CloudWatchLogsLogGroupArn\":\"arn:aws:logs:eu-west-1:123456789012:log-group:ct:*\",\"S3BucketName\":\"logs\"}";
    private const string BadTrail = "{\"Name\":\"t\",\"TrailARN\":\"arn:aws:cloudtrail:eu-west-1:123456789012:trail/t\",\"HomeRegion\":\"eu-west-1\",\"IsMultiRegionTrail\":false,\"LogFileValidationEnabled\":false,\"S3BucketName\":\"logs\"}";

    private static string Recorders(string recorders, string status, string delivery) =>
        "{\"ConfigurationRecorders\":" + recorders + ",\"Status\":" + status + ",\"Delivery\":" + delivery + "}";

    private const string GoodRecorder = "[{\"name\":\"default\",\"recordingGroup\":{\"allSupported\":true,\"includeGlobalResourceTypes\":true}}]";
    private const string Recording = "{\"ConfigurationRecordersStatus\":[{\"name\":\"default\",\"recording\":true,\"lastStatus\":\"SUCCESS\"}]}";
    private const string Delivering = "{\"DeliveryChannels\":[{\"name\":\"default\",\"s3BucketName\":\"cfg\"}]}";

    private static string Bucket(string sections) => "{\"Bucket\":{\"BucketName\":\"b\"}," + sections + "}";

    private const string Pab = "{\"Configured\":true,\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true}}";

    private static string Key(string manager, string state, string rotation) =>
        "{\"KeyId\":\"k\",\"KeyMetadata\":{\"KeyManager\":\"" + manager + "\",\"KeySpec\":\"SYMMETRIC_DEFAULT\",\"KeyState\":\"" + state + "\"}" + (rotation.Length > 0 ? ",\"Rotation\":" + rotation : string.Empty) + "}";

    private static string Sg(string name, string ingress, string egress = "[]") =>
        "{\"GroupId\":\"sg-1\",\"GroupName\":\"" + name + "\",\"IpPermissions\":" + ingress + ",\"IpPermissionsEgress\":" + egress + "}";

    private const string Ssh = "[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"Ipv4Ranges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]";
    private const string Rdp6 = "[{\"IpProtocol\":\"tcp\",\"FromPort\":3389,\"ToPort\":3389,\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]";
    private const string AllOpen = "[{\"IpProtocol\":\"-1\",\"Ipv4Ranges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]";
    private const string Https = "[{\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":443,\"Ipv4Ranges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]";
    private const string Internal = "[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"Ipv4Ranges\":[{\"CidrIp\":\"10.0.0.0/8\"}]}]";

    public static TheoryData<string, string, string, FindingStatus> Cases() => new()
    {
        { "aws.iam.root_mfa_enabled", AwsKinds.IamCredentialReport, Report(Root("\"mfa_active\":\"true\"")), FindingStatus.Pass },
        { "aws.iam.user_console_mfa_enabled", AwsKinds.IamCredentialReport, Report(User("\"password_enabled\":\"admin\",\"mfa_active\":\"false\"")), FindingStatus.Error },
        { "aws.iam.user_console_mfa_enabled", AwsKinds.IamCredentialReport, ReportCsv("user,arn,password_enabled,mfa_active,access_key_1_active,access_key_2_active\nu,arn:aws:iam::123456789012:user/u,true,true,false,false,extra\n"), FindingStatus.Error },
        { "aws.iam.user_console_mfa_enabled", AwsKinds.IamCredentialReport, ReportCsv("user,arn,password_enabled\n\"u,never closed\n"), FindingStatus.Error },
        { "aws.iam.user_console_mfa_enabled", AwsKinds.IamCredentialReport, "{" + At + "}", FindingStatus.Error },
        { "aws.iam.root_no_access_keys", AwsKinds.IamCredentialReport, Report("{\"user\":\"<root_account>\",\"arn\":\"arn:aws:iam::123456789012:root\",\"mfa_active\":\"true\"}"), FindingStatus.Error },
        { "aws.iam.root_mfa_enabled", AwsKinds.IamCredentialReport, Report(Root("\"mfa_active\":\"false\"")), FindingStatus.Fail },
        { "aws.iam.root_mfa_enabled", AwsKinds.IamCredentialReport, Report(User("\"mfa_active\":\"true\"")), FindingStatus.Error },
        { "aws.iam.root_no_access_keys", AwsKinds.IamCredentialReport, Report(Root("\"access_key_1_active\":\"false\",\"access_key_2_active\":\"false\"")), FindingStatus.Pass },
        { "aws.iam.root_no_access_keys", AwsKinds.IamCredentialReport, Report(Root("\"access_key_1_active\":\"true\",\"access_key_2_active\":\"false\"")), FindingStatus.Fail },
        { "aws.iam.root_not_recently_used", AwsKinds.IamCredentialReport, Report(Root("\"password_last_used\":\"2026-01-01T00:00:00+00:00\",\"access_key_1_last_used_date\":\"N/A\"")), FindingStatus.Pass },
        { "aws.iam.root_not_recently_used", AwsKinds.IamCredentialReport, Report(Root("\"password_last_used\":\"2026-11-20T00:00:00+00:00\"")), FindingStatus.Fail },
        { "aws.iam.user_console_mfa_enabled", AwsKinds.IamCredentialReport, Report(User("\"password_enabled\":\"true\",\"mfa_active\":\"true\"")), FindingStatus.Pass },
        { "aws.iam.user_console_mfa_enabled", AwsKinds.IamCredentialReport, Report(User("\"password_enabled\":\"true\",\"mfa_active\":\"false\"")), FindingStatus.Fail },
        { "aws.iam.access_keys_rotated_90_days", AwsKinds.IamCredentialReport, Report(User("\"access_key_1_active\":\"true\",\"access_key_1_last_rotated\":\"2026-10-01T00:00:00+00:00\"")), FindingStatus.Pass },
        { "aws.iam.access_keys_rotated_90_days", AwsKinds.IamCredentialReport, Report(User("\"access_key_1_active\":\"true\",\"access_key_1_last_rotated\":\"2026-01-01T00:00:00+00:00\"")), FindingStatus.Fail },
        { "aws.iam.access_keys_rotated_90_days", AwsKinds.IamCredentialReport, "{\"Csv\":\"\"}", FindingStatus.Error },
        { "aws.iam.credentials_unused_45_days", AwsKinds.IamCredentialReport, Report(User("\"password_enabled\":\"true\",\"password_last_used\":\"2026-11-25T00:00:00+00:00\"")), FindingStatus.Pass },
        { "aws.iam.credentials_unused_45_days", AwsKinds.IamCredentialReport, Report(User("\"password_enabled\":\"true\",\"password_last_used\":\"no_information\",\"access_key_1_active\":\"true\",\"access_key_1_last_used_date\":\"2026-05-01T00:00:00+00:00\"")), FindingStatus.Fail },
        { "aws.iam.password_policy_minimum_length_14", AwsKinds.IamPasswordPolicy, StrongPolicy, FindingStatus.Pass },
        { "aws.iam.password_policy_minimum_length_14", AwsKinds.IamPasswordPolicy, WeakPolicy, FindingStatus.Fail },
        { "aws.iam.password_policy_minimum_length_14", AwsKinds.IamPasswordPolicy, "{\"PasswordPolicyPresent\":false}", FindingStatus.Fail },
        { "aws.iam.password_policy_reuse_24", AwsKinds.IamPasswordPolicy, StrongPolicy, FindingStatus.Pass },
        { "aws.iam.password_policy_reuse_24", AwsKinds.IamPasswordPolicy, WeakPolicy, FindingStatus.Fail },
        { "aws.iam.password_policy_uppercase", AwsKinds.IamPasswordPolicy, StrongPolicy, FindingStatus.Pass },
        { "aws.iam.password_policy_uppercase", AwsKinds.IamPasswordPolicy, WeakPolicy, FindingStatus.Fail },
        { "aws.iam.password_policy_lowercase", AwsKinds.IamPasswordPolicy, StrongPolicy, FindingStatus.Pass },
        { "aws.iam.password_policy_lowercase", AwsKinds.IamPasswordPolicy, WeakPolicy, FindingStatus.Fail },
        { "aws.iam.password_policy_numbers", AwsKinds.IamPasswordPolicy, StrongPolicy, FindingStatus.Pass },
        { "aws.iam.password_policy_numbers", AwsKinds.IamPasswordPolicy, WeakPolicy, FindingStatus.Fail },
        { "aws.iam.password_policy_symbols", AwsKinds.IamPasswordPolicy, StrongPolicy, FindingStatus.Pass },
        { "aws.iam.password_policy_symbols", AwsKinds.IamPasswordPolicy, "{\"PasswordPolicyPresent\":false}", FindingStatus.Fail },
        { "aws.iam.account_mfa_enabled", AwsKinds.IamAccountSummary, "{\"SummaryMap\":{\"AccountMFAEnabled\":\"1\"}}", FindingStatus.Pass },
        { "aws.iam.account_mfa_enabled", AwsKinds.IamAccountSummary, "{\"SummaryMap\":{\"AccountMFAEnabled\":\"0\"}}", FindingStatus.Fail },
        { "aws.iam.customer_policy_no_admin", AwsKinds.IamPolicy, Policy("Local", ScopedStatement), FindingStatus.Pass },
        { "aws.iam.customer_policy_no_admin", AwsKinds.IamPolicy, Policy("Local", AdminStatement), FindingStatus.Fail },
        { "aws.iam.customer_policy_no_admin", AwsKinds.IamPolicy, "{\"Scope\":\"Local\",\"PolicyVersion\":" + Err + "}", FindingStatus.Error },
        { "aws.iam.aws_attached_policy_no_admin", AwsKinds.IamPolicy, Policy("AWS", ScopedStatement), FindingStatus.Pass },
        { "aws.iam.aws_attached_policy_no_admin", AwsKinds.IamPolicy, Policy("AWS", AdminStatement), FindingStatus.Fail },
        { "aws.iam.user_no_direct_policies", AwsKinds.IamUser, IamUser("[]", "[]"), FindingStatus.Pass },
        { "aws.iam.user_no_direct_policies", AwsKinds.IamUser, IamUser("[]", "[\"inline\"]"), FindingStatus.Fail },
        { "aws.iam.user_no_direct_policies", AwsKinds.IamUser, "{\"User\":{},\"AttachedPolicies\":" + Err + ",\"InlinePolicies\":{\"PolicyNames\":[]}}", FindingStatus.Error },
        { "aws.iam.user_no_administrator_access", AwsKinds.IamUser, IamUser("[{\"PolicyArn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\"}]", "[]"), FindingStatus.Pass },
        { "aws.iam.user_no_administrator_access", AwsKinds.IamUser, IamUser("[{\"PolicyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}]", "[]"), FindingStatus.Fail },
        { "aws.cloudtrail.multi_region_trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail), FindingStatus.Pass },
        { "aws.cloudtrail.multi_region_trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, selectors: "{\"EventSelectors\":[{\"ReadWriteType\":\"WriteOnly\",\"IncludeManagementEvents\":true}]}"), FindingStatus.Fail },
        { "aws.cloudtrail.multi_region_trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, selectors: "{\"AdvancedEventSelectors\":[{\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]}]}"), FindingStatus.Pass },
        { "aws.cloudtrail.multi_region_trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, status: Err), FindingStatus.Error },
        { "aws.cloudtrail.trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail), FindingStatus.Pass },
        { "aws.cloudtrail.trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, status: "{\"IsLogging\":false}"), FindingStatus.Fail },
        { "aws.cloudtrail.trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, status: Err), FindingStatus.Error },
        { "aws.cloudtrail.log_file_validation_enabled", AwsKinds.CloudTrailTrail, Trail(GoodTrail), FindingStatus.Pass },
        { "aws.cloudtrail.log_file_validation_enabled", AwsKinds.CloudTrailTrail, Trail(BadTrail), FindingStatus.Fail },
        { "aws.cloudtrail.kms_encryption_enabled", AwsKinds.CloudTrailTrail, Trail(GoodTrail), FindingStatus.Pass },
        { "aws.cloudtrail.kms_encryption_enabled", AwsKinds.CloudTrailTrail, Trail(BadTrail), FindingStatus.Fail },
        { "aws.cloudtrail.cloudwatch_logs_delivery", AwsKinds.CloudTrailTrail, Trail(GoodTrail), FindingStatus.Pass },
        { "aws.cloudtrail.cloudwatch_logs_delivery", AwsKinds.CloudTrailTrail, Trail(BadTrail), FindingStatus.Fail },
        { "aws.config.recorder_enabled", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Recording, Delivering), FindingStatus.Pass },
        { "aws.config.recorder_enabled", AwsKinds.ConfigRecorders, Recorders("[]", "{\"ConfigurationRecordersStatus\":[]}", "{\"DeliveryChannels\":[]}"), FindingStatus.Fail },
        { "aws.config.recorder_enabled", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Err, Delivering), FindingStatus.Error },
        { "aws.config.recorder_all_resource_types", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Recording, Delivering), FindingStatus.Pass },
        { "aws.config.recorder_all_resource_types", AwsKinds.ConfigRecorders, Recorders("[{\"name\":\"d\",\"recordingGroup\":{\"allSupported\":false}}]", Recording, Delivering), FindingStatus.Fail },
        { "aws.config.delivery_channel_configured", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Recording, Delivering), FindingStatus.Pass },
        { "aws.config.delivery_channel_configured", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Recording, "{\"DeliveryChannels\":[]}"), FindingStatus.Fail },
        { "aws.config.delivery_channel_configured", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Recording, Err), FindingStatus.Error },
        { "aws.config.global_resources_recorded", AwsKinds.ConfigRecorders, Recorders(GoodRecorder, Recording, Delivering), FindingStatus.Pass },
        { "aws.config.global_resources_recorded", AwsKinds.ConfigRecorders, Recorders("[{\"name\":\"d\",\"recordingGroup\":{\"allSupported\":true,\"includeGlobalResourceTypes\":false}}]", Recording, Delivering), FindingStatus.Fail },
        { "aws.s3.bucket_default_encryption_enabled", AwsKinds.S3Bucket, Bucket("\"Encryption\":{\"Configured\":true,\"ServerSideEncryptionConfiguration\":{\"ServerSideEncryptionRules\":[{\"ServerSideEncryptionByDefault\":{\"ServerSideEncryptionAlgorithm\":\"AES256\"}}]}}"), FindingStatus.Pass },
        { "aws.s3.bucket_default_encryption_enabled", AwsKinds.S3Bucket, Bucket("\"Encryption\":{\"Configured\":false}"), FindingStatus.Fail },
        { "aws.s3.bucket_default_encryption_enabled", AwsKinds.S3Bucket, Bucket("\"Encryption\":" + Err), FindingStatus.Error },
        { "aws.s3.bucket_kms_encryption", AwsKinds.S3Bucket, Bucket("\"Encryption\":{\"Configured\":true,\"ServerSideEncryptionConfiguration\":{\"ServerSideEncryptionRules\":[{\"ServerSideEncryptionByDefault\":{\"ServerSideEncryptionAlgorithm\":\"aws:kms\"}}]}}"), FindingStatus.Pass },
        { "aws.s3.bucket_kms_encryption", AwsKinds.S3Bucket, Bucket("\"Encryption\":{\"Configured\":true,\"ServerSideEncryptionConfiguration\":{\"ServerSideEncryptionRules\":[{\"ServerSideEncryptionByDefault\":{\"ServerSideEncryptionAlgorithm\":\"AES256\"}}]}}"), FindingStatus.Fail },
        { "aws.s3.bucket_public_access_block_enabled", AwsKinds.S3Bucket, Bucket("\"PublicAccessBlock\":" + Pab), FindingStatus.Pass },
        { "aws.s3.bucket_public_access_block_enabled", AwsKinds.S3Bucket, Bucket("\"PublicAccessBlock\":{\"Configured\":false}"), FindingStatus.Fail },
        { "aws.s3.bucket_public_access_block_enabled", AwsKinds.S3Bucket, Bucket("\"PublicAccessBlock\":" + Err), FindingStatus.Error },
        { "aws.s3.bucket_acl_not_public", AwsKinds.S3Bucket, Bucket("\"Acl\":{\"Grants\":[{\"Grantee\":{\"CanonicalUser\":\"x\"},\"Permission\":\"FULL_CONTROL\"}]}"), FindingStatus.Pass },
        { "aws.s3.bucket_acl_not_public", AwsKinds.S3Bucket, Bucket("\"Acl\":{\"Grants\":[{\"Grantee\":{\"URI\":\"http://acs.amazonaws.com/groups/global/AllUsers\"},\"Permission\":\"READ\"}]}"), FindingStatus.Fail },
        { "aws.s3.bucket_acl_not_public", AwsKinds.S3Bucket, Bucket("\"Acl\":" + Err), FindingStatus.Error },
        { "aws.s3.bucket_versioning_enabled", AwsKinds.S3Bucket, Bucket("\"Versioning\":{\"Status\":\"Enabled\"}"), FindingStatus.Pass },
        { "aws.s3.bucket_versioning_enabled", AwsKinds.S3Bucket, Bucket("\"Versioning\":{\"Status\":\"Suspended\"}"), FindingStatus.Fail },
        { "aws.s3.bucket_server_access_logging_enabled", AwsKinds.S3Bucket, Bucket("\"Logging\":{\"TargetBucketName\":\"logs\"}"), FindingStatus.Pass },
        { "aws.s3.bucket_server_access_logging_enabled", AwsKinds.S3Bucket, Bucket("\"Logging\":{}"), FindingStatus.Fail },
        { "aws.s3.bucket_secure_transport_required", AwsKinds.S3Bucket, Bucket("\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}}"), FindingStatus.Pass },
        { "aws.s3.bucket_secure_transport_required", AwsKinds.S3Bucket, Bucket("\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:securetransport\":[\"false\"]}}}]}}"), FindingStatus.Pass },
        { "aws.s3.bucket_secure_transport_required", AwsKinds.S3Bucket, Bucket("\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}}"), FindingStatus.Fail },
        { "aws.s3.bucket_secure_transport_required", AwsKinds.S3Bucket, Bucket("\"Policy\":{\"Configured\":false}"), FindingStatus.Fail },
        { "aws.s3.bucket_secure_transport_required", AwsKinds.S3Bucket, Bucket("\"Policy\":" + Err), FindingStatus.Error },
        { "aws.s3.bucket_object_lock_enabled", AwsKinds.S3Bucket, Bucket("\"ObjectLock\":{\"Configured\":true,\"ObjectLockConfiguration\":{\"ObjectLockEnabled\":\"Enabled\"}}"), FindingStatus.Pass },
        { "aws.s3.bucket_object_lock_enabled", AwsKinds.S3Bucket, Bucket("\"ObjectLock\":{\"Configured\":false}"), FindingStatus.Fail },
        { "aws.s3.account_public_access_block_enabled", AwsKinds.S3AccountPublicAccessBlock, Pab, FindingStatus.Pass },
        { "aws.s3.account_public_access_block_enabled", AwsKinds.S3AccountPublicAccessBlock, "{\"Configured\":false}", FindingStatus.Fail },
        { "aws.kms.cmk_rotation_enabled", AwsKinds.KmsKey, Key("CUSTOMER", "Enabled", "{\"KeyRotationEnabled\":true}"), FindingStatus.Pass },
        { "aws.kms.cmk_rotation_enabled", AwsKinds.KmsKey, Key("CUSTOMER", "Enabled", "{\"KeyRotationEnabled\":false}"), FindingStatus.Fail },
        { "aws.kms.cmk_rotation_enabled", AwsKinds.KmsKey, Key("CUSTOMER", "Enabled", Err), FindingStatus.Error },
        { "aws.kms.cmk_not_pending_deletion", AwsKinds.KmsKey, Key("CUSTOMER", "Enabled", string.Empty), FindingStatus.Pass },
        { "aws.kms.cmk_not_pending_deletion", AwsKinds.KmsKey, Key("CUSTOMER", "PendingDeletion", string.Empty), FindingStatus.Fail },
        { "aws.kms.cmk_not_pending_deletion", AwsKinds.KmsKey, "{\"KeyId\":\"k\",\"KeyMetadata\":" + Err + "}", FindingStatus.Error },
        { "aws.ec2.ebs_encryption_by_default", AwsKinds.Ec2EbsEncryptionDefault, "{\"EbsEncryptionByDefault\":true}", FindingStatus.Pass },
        { "aws.ec2.ebs_encryption_by_default", AwsKinds.Ec2EbsEncryptionDefault, "{\"EbsEncryptionByDefault\":false}", FindingStatus.Fail },
        { "aws.ec2.volume_encrypted", AwsKinds.Ec2Volume, "{\"VolumeId\":\"vol-1\",\"Encrypted\":true}", FindingStatus.Pass },
        { "aws.ec2.volume_encrypted", AwsKinds.Ec2Volume, "{\"VolumeId\":\"vol-1\",\"Encrypted\":false}", FindingStatus.Fail },
        { "aws.ec2.sg_no_internet_ingress_ssh", AwsKinds.Ec2SecurityGroup, Sg("web", Https), FindingStatus.Pass },
        { "aws.ec2.sg_no_internet_ingress_ssh", AwsKinds.Ec2SecurityGroup, Sg("bastion", Ssh), FindingStatus.Fail },
        { "aws.ec2.sg_no_internet_ingress_ssh", AwsKinds.Ec2SecurityGroup, Sg("internal", Internal), FindingStatus.Pass },
        { "aws.ec2.sg_no_internet_ingress_rdp", AwsKinds.Ec2SecurityGroup, Sg("web", Https), FindingStatus.Pass },
        { "aws.ec2.sg_no_internet_ingress_rdp", AwsKinds.Ec2SecurityGroup, Sg("rdp", Rdp6), FindingStatus.Fail },
        { "aws.ec2.sg_no_internet_ingress_all_ports", AwsKinds.Ec2SecurityGroup, Sg("web", Https), FindingStatus.Pass },
        { "aws.ec2.sg_no_internet_ingress_all_ports", AwsKinds.Ec2SecurityGroup, Sg("open", AllOpen), FindingStatus.Fail },
        { "aws.ec2.default_sg_restricts_traffic", AwsKinds.Ec2SecurityGroup, Sg("default", "[]"), FindingStatus.Pass },
        { "aws.ec2.default_sg_restricts_traffic", AwsKinds.Ec2SecurityGroup, Sg("default", "[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"sg-1\"}]}]"), FindingStatus.Fail },
        { "aws.ec2.vpc_flow_logs_enabled", AwsKinds.Ec2Vpc, "{\"Vpc\":{\"VpcId\":\"vpc-1\"},\"FlowLogs\":{\"FlowLogs\":[{\"FlowLogStatus\":\"ACTIVE\"}]}}", FindingStatus.Pass },
        { "aws.ec2.vpc_flow_logs_enabled", AwsKinds.Ec2Vpc, "{\"Vpc\":{\"VpcId\":\"vpc-1\"},\"FlowLogs\":{\"FlowLogs\":[]}}", FindingStatus.Fail },
        { "aws.ec2.vpc_flow_logs_enabled", AwsKinds.Ec2Vpc, "{\"Vpc\":{\"VpcId\":\"vpc-1\"},\"FlowLogs\":" + Err + "}", FindingStatus.Error },
        { "aws.rds.instance_storage_encrypted", AwsKinds.RdsDbInstance, "{\"StorageEncrypted\":\"true\"}", FindingStatus.Pass },
        { "aws.rds.instance_storage_encrypted", AwsKinds.RdsDbInstance, "{\"StorageEncrypted\":\"false\"}", FindingStatus.Fail },
        { "aws.rds.instance_not_public", AwsKinds.RdsDbInstance, "{\"PubliclyAccessible\":\"false\"}", FindingStatus.Pass },
        { "aws.rds.instance_not_public", AwsKinds.RdsDbInstance, "{\"PubliclyAccessible\":\"true\"}", FindingStatus.Fail },
        { "aws.rds.instance_not_public", AwsKinds.RdsDbInstance, "{}", FindingStatus.Error },
        { "aws.rds.instance_backup_retention_7_days", AwsKinds.RdsDbInstance, "{\"BackupRetentionPeriod\":\"7\"}", FindingStatus.Pass },
        { "aws.rds.instance_backup_retention_7_days", AwsKinds.RdsDbInstance, "{\"BackupRetentionPeriod\":\"0\"}", FindingStatus.Fail },
        { "aws.rds.instance_deletion_protection", AwsKinds.RdsDbInstance, "{\"DeletionProtection\":\"true\"}", FindingStatus.Pass },
        { "aws.rds.instance_deletion_protection", AwsKinds.RdsDbInstance, "{\"DeletionProtection\":\"false\"}", FindingStatus.Fail },
        { "aws.logs.log_group_retention_365_days", AwsKinds.LogsLogGroup, "{\"logGroupName\":\"g\"}", FindingStatus.Pass },
        { "aws.logs.log_group_retention_365_days", AwsKinds.LogsLogGroup, "{\"logGroupName\":\"g\",\"retentionInDays\":400}", FindingStatus.Pass },
        { "aws.logs.log_group_retention_365_days", AwsKinds.LogsLogGroup, "{\"logGroupName\":\"g\",\"retentionInDays\":7}", FindingStatus.Fail },

        // Evidence that cannot be read is an error, never a pass (review findings).
        { "aws.logs.log_group_retention_365_days", AwsKinds.LogsLogGroup, "{\"logGroupName\":\"g\",\"retentionInDays\":\"30d\"}", FindingStatus.Error },
        { "aws.iam.customer_policy_no_admin", AwsKinds.IamPolicy, Policy("Local", "[{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}]"), FindingStatus.Fail },
        { "aws.iam.customer_policy_no_admin", AwsKinds.IamPolicy, Policy("Local", "\"not a statement\""), FindingStatus.Error },
        { "aws.iam.user_no_direct_policies", AwsKinds.IamUser, "{\"User\":{\"UserName\":\"u\"}}", FindingStatus.Error },
        { "aws.iam.password_policy_minimum_length_14", AwsKinds.IamPasswordPolicy, "{\"PasswordPolicyPresent\":true}", FindingStatus.Error },
        { "aws.kms.cmk_not_pending_deletion", AwsKinds.KmsKey, "{\"KeyId\":\"k\",\"KeyMetadata\":{\"KeyManager\":\"CUSTOMER\"}}", FindingStatus.Error },
        { "aws.kms.cmk_not_pending_deletion", AwsKinds.KmsKey, Key("CUSTOMER", "PendingReplicaDeletion", string.Empty), FindingStatus.Fail },
        { "aws.ec2.vpc_flow_logs_enabled", AwsKinds.Ec2Vpc, "{\"Vpc\":{\"VpcId\":\"vpc-1\"},\"FlowLogs\":{\"FlowLogs\":[{\"FlowLogId\":\"fl-1\"}]}}", FindingStatus.Error },
        { "aws.ec2.vpc_flow_logs_enabled", AwsKinds.Ec2Vpc, "{\"Vpc\":{\"VpcId\":\"vpc-1\"},\"FlowLogs\":{\"FlowLogs\":[{\"FlowLogStatus\":\"ACTIVE\",\"DeliverLogsStatus\":\"FAILED\"}]}}", FindingStatus.Fail },
        { "aws.ec2.sg_no_internet_ingress_rdp", AwsKinds.Ec2SecurityGroup, "{\"GroupId\":\"sg-1\",\"GroupName\":\"rdp-udp\",\"IpPermissions\":[{\"IpProtocol\":\"udp\",\"FromPort\":3389,\"ToPort\":3389,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]}", FindingStatus.Fail },
        { "aws.cloudtrail.multi_region_trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, selectors: "{\"EventSelectors\":[{\"IncludeManagementEvents\":true}]}"), FindingStatus.Fail },
        { "aws.cloudtrail.multi_region_trail_logging", AwsKinds.CloudTrailTrail, Trail(GoodTrail, selectors: "{\"AdvancedEventSelectors\":[{\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]},{\"Field\":\"eventSource\",\"NotEquals\":[\"kms.amazonaws.com\"]}]}]}"), FindingStatus.Fail },
        { "aws.iam.user_no_administrator_access", AwsKinds.IamUser, IamUser("[{\"PolicyName\":\"AdministratorAccess\",\"PolicyArn\":\"arn:aws-us-gov:iam::aws:policy/AdministratorAccess\"}]", "[]"), FindingStatus.Fail },
        { "aws.logs.log_group_kms_encrypted", AwsKinds.LogsLogGroup, "{\"logGroupName\":\"g\",\"kmsKeyId\":\"arn:aws:kms:eu-west-1:123456789012:key/k\"}", FindingStatus.Pass },
        { "aws.logs.log_group_kms_encrypted", AwsKinds.LogsLogGroup, "{\"logGroupName\":\"g\"}", FindingStatus.Fail },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Snapshot_YieldsExpectedStatus(string checkId, string kind, string json, FindingStatus expected)
    {
        var check = AwsChecks.All.Single(c => c.Metadata.Id == checkId);
        Assert.Contains(kind, check.Metadata.EvidenceKinds);

        var results = check.Evaluate(Evidence.Input(Evidence.Item(kind, json))).ToList();

        var result = Assert.Single(results);
        Assert.Equal(expected, result.Status);
        Assert.NotEmpty(result.EvidenceHashes);
    }

    [Fact]
    public void Cases_CoverEveryBuiltInCheck_WithPassAndFail()
    {
        var cases = Cases().Select(c => ((string)c[0], (FindingStatus)c[3])).ToList();
        foreach (var check in AwsChecks.All.Where(c => c.Metadata.DynamicMapping is null && c.Metadata.Id != "aws.cloudtrail.trail_bucket_not_public"))
        {
            Assert.Contains((check.Metadata.Id, FindingStatus.Pass), cases);
            Assert.Contains((check.Metadata.Id, FindingStatus.Fail), cases);
        }
    }

    [Fact]
    public void Evaluate_ShadowTrail_IsNotJudgedOutsideItsHomeRegion()
    {
        var shadow = Evidence.Item(AwsKinds.CloudTrailTrail, Trail(BadTrail, shadow: true), region: "us-east-1");

        Assert.Empty(new CloudTrail.Checks.LogFileValidationCheck().Evaluate(Evidence.Input(shadow)));
    }

    [Fact]
    public void Evaluate_NoTrailAtAll_MultiRegionCheckFailsForTheAccount()
    {
        var result = Assert.Single(new CloudTrail.Checks.MultiRegionTrailCheck().Evaluate(Evidence.Input()));

        Assert.Equal(FindingStatus.Fail, result.Status);
        Assert.Equal("arn:aws:iam::123456789012:root", result.ResourceId);
        Assert.Equal(Target.Global, result.Region);
    }

    [Theory]
    [InlineData("\"Acl\":{\"Grants\":[{\"Grantee\":{\"URI\":\"http://acs.amazonaws.com/groups/global/AllUsers\"},\"Permission\":\"READ\"}]},\"Policy\":{\"Configured\":false},\"PublicAccessBlock\":{\"Configured\":false}", FindingStatus.Fail)]
    [InlineData("\"Acl\":{\"Grants\":[{\"Grantee\":{\"URI\":\"http://acs.amazonaws.com/groups/global/AllUsers\"},\"Permission\":\"READ\"}]},\"Policy\":{\"Configured\":false},\"PublicAccessBlock\":" + Pab, FindingStatus.Pass)]
    [InlineData("\"Acl\":{\"Grants\":[]},\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}},\"PublicAccessBlock\":{\"Configured\":false}", FindingStatus.Fail)]
    [InlineData("\"Acl\":" + Err + ",\"Policy\":{\"Configured\":false},\"PublicAccessBlock\":{\"Configured\":false}", FindingStatus.Error)]
    [InlineData("\"Acl\":{\"Grants\":[]},\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}}},\"PublicAccessBlock\":{\"Configured\":false}", FindingStatus.Fail)]
    [InlineData("\"Acl\":{\"Grants\":[]},\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}}},\"PublicAccessBlock\":{\"Configured\":false}", FindingStatus.Pass)]
    [InlineData("\"Acl\":{\"Grants\":[]},\"Policy\":{\"Configured\":true,\"Policy\":{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}}}},\"PublicAccessBlock\":{\"Configured\":false}", FindingStatus.Pass)]
    public void TrailBucketNotPublic_BucketEvidence_JudgesExposure(string bucketSections, FindingStatus expected)
    {
        var trail = Evidence.Item(AwsKinds.CloudTrailTrail, Trail(GoodTrail), resourceId: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t");
        var bucket = Evidence.Item(AwsKinds.S3Bucket, Bucket(bucketSections), resourceId: "arn:aws:s3:::logs");

        var result = Assert.Single(new CloudTrail.Checks.TrailBucketNotPublicCheck().Evaluate(Evidence.Input(trail, bucket)));

        Assert.Equal(expected, result.Status);
        Assert.Equal(2, result.EvidenceHashes.Count);
    }

    [Fact]
    public void ConfigRules_ManagedAndCustomRules_EmitPerResourceFindingsWithMappingKeys()
    {
        var managed = Evidence.Item(AwsKinds.ConfigRule, """
            {"ConfigRule":{"ConfigRuleName":"mfa","ConfigRuleArn":"arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-1","Source":{"Owner":"AWS","SourceIdentifier":"IAM_USER_MFA_ENABLED"}},
             "Compliance":{},"EvaluationStatus":{"LastSuccessfulEvaluationTime":1796990400,"FirstEvaluationStarted":true},
             "RecorderStatus":{"ConfigurationRecordersStatus":[{"recording":true,"lastStatus":"SUCCESS"}]},"collectedAt":"2026-12-07T12:00:00.000Z",
             "Evaluations":{"EvaluationResults":[
               {"EvaluationResultIdentifier":{"EvaluationResultQualifier":{"ConfigRuleName":"mfa","ResourceType":"AWS::IAM::User","ResourceId":"AIDA1"}},"ComplianceType":"COMPLIANT"},
               {"EvaluationResultIdentifier":{"EvaluationResultQualifier":{"ConfigRuleName":"mfa","ResourceType":"AWS::IAM::User","ResourceId":"AIDA2"}},"ComplianceType":"NON_COMPLIANT"}]}}
            """);
        var custom = Evidence.Item(AwsKinds.ConfigRule, """
            {"ConfigRule":{"ConfigRuleName":"acme-tags","Source":{"Owner":"CUSTOM_LAMBDA","SourceIdentifier":"arn:aws:lambda:eu-west-1:123456789012:function:tags"}},
             "Evaluations":{"error":{"code":"AccessDeniedException","message":"denied"}}}
            """);

        var results = new Config.Checks.ConfigRuleResultsCheck().Evaluate(Evidence.Input(managed, custom)).ToList();

        Assert.Equal(3, results.Count);
        Assert.Equal([FindingStatus.Pass, FindingStatus.Fail], results.Where(r => r.MappingKey == "IAM_USER_MFA_ENABLED").Select(r => r.Status));
        Assert.All(results.Take(2), r => Assert.Equal("aws.config.rule.IAM_USER_MFA_ENABLED", r.CheckId));
        Assert.All(results.Take(2), r => Assert.Contains("mfa", r.Title, StringComparison.Ordinal));
        var error = results[2];
        Assert.Equal("aws.config.rule.custom.acme-tags", error.CheckId);
        Assert.Equal("acme-tags", error.MappingKey);
        Assert.Equal(FindingStatus.Error, error.Status);
    }
}
