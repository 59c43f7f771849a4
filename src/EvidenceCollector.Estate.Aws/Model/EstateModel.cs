using System.Text.Json;

namespace EvidenceCollector.Estate.Aws;

// The declarative estate: plain data, loaded from JSON (see README.md). Property names are the JSON
// names in camelCase. Everything the server answers is derived from these objects; nothing here is
// mutated once the server has started.

public sealed class EstateAccount
{
    public required string Id { get; init; }
    public string Name { get; init; } = "account";
    public string? Email { get; init; }
    public DateTimeOffset CreatedDate { get; init; } = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public DateTimeOffset? JoinedTimestamp { get; init; }
    /// <summary>Regions in which this account can be called (DescribeRegions lists them as enabled).</summary>
    public List<string> EnabledRegions { get; init; } = [];
    /// <summary>Opt-in regions not enabled: listed as <c>not-opted-in</c>; calls into them fail as on AWS.</summary>
    public List<string> DisabledRegions { get; init; } = [];
    public List<EstateRole> Roles { get; init; } = [];
    public EstateIam Iam { get; init; } = new();
    public EstateS3 S3 { get; init; } = new();
    /// <summary>CloudTrail trails, each with its home region (multi-region trails show in every region).</summary>
    public List<EstateTrail> Trails { get; init; } = [];
    /// <summary>Regional resources, keyed by region name. A region missing here but enabled is empty.</summary>
    public Dictionary<string, EstateRegion> Regions { get; init; } = [];

    public EstateRegion Region(string region) => Regions.TryGetValue(region, out var r) ? r : EstateRegion.Empty;
}

public sealed class EstateRole
{
    public required string Name { get; init; }
    /// <summary>When set, AssumeRole must present this ExternalId.</summary>
    public string? ExternalId { get; init; }
    public string Path { get; init; } = "/";
    public DateTimeOffset CreateDate { get; init; } = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>The trust policy; null: trust the account's root (as the demo's cross-account roles do).</summary>
    public JsonElement? AssumeRolePolicyDocument { get; init; }
    /// <summary>ARNs of attached managed policies.</summary>
    public List<string> AttachedPolicies { get; init; } = [];
    /// <summary>Inline policies: name → policy document.</summary>
    public Dictionary<string, JsonElement> InlinePolicies { get; init; } = [];
}

public sealed class EstateGroup
{
    public required string Name { get; init; }
    public string Path { get; init; } = "/";
    public DateTimeOffset CreateDate { get; init; } = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Names of the member users.</summary>
    public List<string> Members { get; init; } = [];
    public List<string> AttachedPolicies { get; init; } = [];
    public Dictionary<string, JsonElement> InlinePolicies { get; init; } = [];
}

public sealed class EstateIam
{
    public EstateRootUser Root { get; init; } = new();
    /// <summary>Null: the account has no password policy (GetAccountPasswordPolicy answers NoSuchEntity).</summary>
    public EstatePasswordPolicy? PasswordPolicy { get; init; }
    public List<EstateUser> Users { get; init; } = [];
    public List<EstateGroup> Groups { get; init; } = [];
    /// <summary>Customer managed policies. AWS managed policies are built in (see <c>AwsManagedPolicies</c>).</summary>
    public List<EstatePolicy> Policies { get; init; } = [];
    /// <summary>Virtual MFA devices created but assigned to nobody.</summary>
    public List<string> UnassignedVirtualMfaDevices { get; init; } = [];
}

public sealed class EstateRootUser
{
    /// <summary><c>virtual</c>, <c>hardware</c> or null (no MFA).</summary>
    public string? Mfa { get; init; }
    public DateTimeOffset? MfaEnableDate { get; init; }
    public DateTimeOffset? PasswordLastUsed { get; init; }
    public List<EstateAccessKey> AccessKeys { get; init; } = [];
}

public sealed class EstatePasswordPolicy
{
    public int MinimumPasswordLength { get; init; } = 8;
    public bool RequireSymbols { get; init; }
    public bool RequireNumbers { get; init; }
    public bool RequireUppercaseCharacters { get; init; }
    public bool RequireLowercaseCharacters { get; init; }
    public bool AllowUsersToChangePassword { get; init; } = true;
    public int? MaxPasswordAge { get; init; }
    public int? PasswordReusePrevention { get; init; }
    public bool HardExpiry { get; init; }
}

public sealed class EstateUser
{
    public required string Name { get; init; }
    public string Path { get; init; } = "/";
    public DateTimeOffset CreateDate { get; init; } = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public bool PasswordEnabled { get; init; }
    public DateTimeOffset? PasswordLastUsed { get; init; }
    public DateTimeOffset? PasswordLastChanged { get; init; }
    public List<EstateMfaDevice> MfaDevices { get; init; } = [];
    public List<EstateAccessKey> AccessKeys { get; init; } = [];
    /// <summary>ARNs of attached managed policies (AWS managed: <c>arn:aws:iam::aws:policy/Name</c>).</summary>
    public List<string> AttachedPolicies { get; init; } = [];
    /// <summary>Inline policies: name → policy document.</summary>
    public Dictionary<string, JsonElement> InlinePolicies { get; init; } = [];
    public Dictionary<string, string> Tags { get; init; } = [];
}

public sealed class EstateMfaDevice
{
    /// <summary><c>virtual</c> (serial arn:aws:iam::ACCOUNT:mfa/NAME) or <c>hardware</c>.</summary>
    public string Type { get; init; } = "virtual";
    public string? SerialNumber { get; init; }
    public DateTimeOffset EnableDate { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

public sealed class EstateAccessKey
{
    public required string Id { get; init; }
    public bool Active { get; init; } = true;
    public DateTimeOffset Created { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public DateTimeOffset? LastUsed { get; init; }
    public string? LastUsedService { get; init; }
    public string? LastUsedRegion { get; init; }
}

public sealed class EstatePolicy
{
    public required string Name { get; init; }
    public string Path { get; init; } = "/";
    public string? Description { get; init; }
    public DateTimeOffset CreateDate { get; init; } = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public required JsonElement Document { get; init; }
}

public sealed class EstateS3
{
    /// <summary>Account-level (S3 Control) public access block; null = none configured.</summary>
    public EstatePublicAccessBlock? AccountPublicAccessBlock { get; init; }
    public List<EstateBucket> Buckets { get; init; } = [];
}

public sealed class EstatePublicAccessBlock
{
    public bool BlockPublicAcls { get; init; }
    public bool IgnorePublicAcls { get; init; }
    public bool BlockPublicPolicy { get; init; }
    public bool RestrictPublicBuckets { get; init; }
}

public sealed class EstateBucket
{
    public required string Name { get; init; }
    public string Region { get; init; } = "us-east-1";
    public DateTimeOffset CreationDate { get; init; } = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Null: no default encryption configuration (GetBucketEncryption answers 404).</summary>
    public EstateBucketEncryption? Encryption { get; init; }
    public EstatePublicAccessBlock? PublicAccessBlock { get; init; }
    /// <summary>Grants beyond the owner's FULL_CONTROL: grantee <c>AllUsers</c>, <c>AuthenticatedUsers</c> or <c>LogDelivery</c>.</summary>
    public List<EstateGrant> AclGrants { get; init; } = [];
    /// <summary><c>Enabled</c>, <c>Suspended</c> or null (never enabled).</summary>
    public string? Versioning { get; init; }
    public string? MfaDelete { get; init; }
    public EstateBucketLogging? Logging { get; init; }
    /// <summary>The bucket policy document; null = none.</summary>
    public JsonElement? Policy { get; init; }
    public EstateObjectLock? ObjectLock { get; init; }
}

public sealed class EstateBucketEncryption
{
    /// <summary><c>AES256</c>, <c>aws:kms</c> or <c>aws:kms:dsse</c>.</summary>
    public string Algorithm { get; init; } = "AES256";
    public string? KmsKeyId { get; init; }
    public bool BucketKeyEnabled { get; init; }
}

public sealed class EstateGrant
{
    public required string Grantee { get; init; }
    public string Permission { get; init; } = "READ";
}

public sealed class EstateBucketLogging
{
    public required string TargetBucket { get; init; }
    public string TargetPrefix { get; init; } = "";
}

public sealed class EstateObjectLock
{
    /// <summary><c>GOVERNANCE</c> or <c>COMPLIANCE</c>; null = enabled without a default retention rule.</summary>
    public string? Mode { get; init; }
    public int? Days { get; init; }
    public int? Years { get; init; }
}

public sealed class EstateTrail
{
    public required string Name { get; init; }
    public required string HomeRegion { get; init; }
    public bool IsMultiRegion { get; init; }
    /// <summary>An organization trail of the management account also shows in every member account.</summary>
    public bool IsOrganizationTrail { get; init; }
    public bool IncludeGlobalServiceEvents { get; init; } = true;
    public required string S3BucketName { get; init; }
    public string? S3KeyPrefix { get; init; }
    public bool LogFileValidationEnabled { get; init; }
    public string? KmsKeyId { get; init; }
    public string? CloudWatchLogsLogGroupArn { get; init; }
    public string? CloudWatchLogsRoleArn { get; init; }
    public bool IsLogging { get; init; } = true;
    public DateTimeOffset? LatestDeliveryTime { get; init; }
    public string? LatestDeliveryError { get; init; }
    /// <summary>When set, the last CloudWatch Logs delivery is this long before the request (else <see cref="LatestDeliveryTime"/>).</summary>
    public double? CloudWatchLogsDeliveryHoursAgo { get; init; }
    public string? LatestCloudWatchLogsDeliveryError { get; init; }
    /// <summary>Basic event selectors in the API's own JSON shape; null = the default (all management events).</summary>
    public JsonElement? EventSelectors { get; init; }
    /// <summary>Advanced event selectors in the API's own JSON shape; when set, they replace basic selectors.</summary>
    public JsonElement? AdvancedEventSelectors { get; init; }
}

public sealed class EstateRegion
{
    internal static readonly EstateRegion Empty = new();

    public bool EbsEncryptionByDefault { get; init; }
    /// <summary>Null = the AWS managed key <c>alias/aws/ebs</c>.</summary>
    public string? EbsDefaultKmsKeyId { get; init; }
    public List<EstateKmsKey> KmsKeys { get; init; } = [];
    public List<EstateVpc> Vpcs { get; init; } = [];
    public List<EstateSecurityGroup> SecurityGroups { get; init; } = [];
    public List<EstateFlowLog> FlowLogs { get; init; } = [];
    public List<EstateVolume> Volumes { get; init; } = [];
    public List<EstateDbInstance> DbInstances { get; init; } = [];
    public List<EstateDbCluster> DbClusters { get; init; } = [];
    public List<EstateLogGroup> LogGroups { get; init; } = [];
    public EstateConfig? Config { get; init; }
}

public sealed class EstateKmsKey
{
    public required string Id { get; init; }
    public string? Description { get; init; }
    /// <summary><c>CUSTOMER</c> or <c>AWS</c>.</summary>
    public string KeyManager { get; init; } = "CUSTOMER";
    /// <summary><c>Enabled</c>, <c>Disabled</c> or <c>PendingDeletion</c>.</summary>
    public string KeyState { get; init; } = "Enabled";
    public DateTimeOffset? DeletionDate { get; init; }
    public string KeySpec { get; init; } = "SYMMETRIC_DEFAULT";
    public string KeyUsage { get; init; } = "ENCRYPT_DECRYPT";
    public bool RotationEnabled { get; init; }
    public int? RotationPeriodInDays { get; init; }
    public DateTimeOffset CreationDate { get; init; } = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Alias names, e.g. <c>alias/data</c>.</summary>
    public List<string> Aliases { get; init; } = [];
}

public sealed class EstateVpc
{
    public required string Id { get; init; }
    public string CidrBlock { get; init; } = "10.0.0.0/16";
    public bool IsDefault { get; init; }
    public Dictionary<string, string> Tags { get; init; } = [];
}

public sealed class EstateSecurityGroup
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public required string VpcId { get; init; }
    public List<EstatePermission> Ingress { get; init; } = [];
    /// <summary>Null = the AWS default egress rule (all traffic to 0.0.0.0/0).</summary>
    public List<EstatePermission>? Egress { get; init; }
    public Dictionary<string, string> Tags { get; init; } = [];
}

public sealed class EstatePermission
{
    /// <summary><c>tcp</c>, <c>udp</c>, <c>icmp</c> or <c>-1</c> (all).</summary>
    public string Protocol { get; init; } = "tcp";
    public int? FromPort { get; init; }
    public int? ToPort { get; init; }
    public List<string> Cidrs { get; init; } = [];
    public List<string> Ipv6Cidrs { get; init; } = [];
    /// <summary>Source security groups (ids in the same account).</summary>
    public List<string> Groups { get; init; } = [];
    public string? Description { get; init; }
}

public sealed class EstateFlowLog
{
    public required string Id { get; init; }
    public required string ResourceId { get; init; }
    public string TrafficType { get; init; } = "ALL";
    /// <summary><c>cloud-watch-logs</c> or <c>s3</c>.</summary>
    public string DestinationType { get; init; } = "cloud-watch-logs";
    public string? Destination { get; init; }
    public string? LogGroupName { get; init; }
    public string Status { get; init; } = "ACTIVE";
    public DateTimeOffset CreationTime { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

public sealed class EstateVolume
{
    public required string Id { get; init; }
    public int Size { get; init; } = 8;
    public string VolumeType { get; init; } = "gp3";
    public bool Encrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public string State { get; init; } = "in-use";
    public string? AvailabilityZone { get; init; }
    public string? AttachedInstanceId { get; init; }
    public DateTimeOffset CreateTime { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public Dictionary<string, string> Tags { get; init; } = [];
}

/// <summary>An Aurora / DocumentDB / Neptune cluster: backup retention and deletion protection live here for its instances.</summary>
public sealed class EstateDbCluster
{
    public required string Identifier { get; init; }
    public string Engine { get; init; } = "aurora-postgresql";
    public string EngineVersion { get; init; } = "16.4";
    public int BackupRetentionPeriod { get; init; } = 7;
    public bool DeletionProtection { get; init; }
    public bool StorageEncrypted { get; init; } = true;
}

public sealed class EstateDbInstance
{
    public required string Identifier { get; init; }
    /// <summary>The cluster the instance belongs to (Aurora, DocumentDB, Neptune), if any.</summary>
    public string? ClusterIdentifier { get; init; }
    public string Engine { get; init; } = "postgres";
    public string EngineVersion { get; init; } = "16.3";
    public string InstanceClass { get; init; } = "db.t4g.micro";
    public bool StorageEncrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public bool PubliclyAccessible { get; init; }
    public int BackupRetentionPeriod { get; init; } = 7;
    public bool DeletionProtection { get; init; }
    public bool MultiAz { get; init; }
    public bool AutoMinorVersionUpgrade { get; init; } = true;
    public bool IamDatabaseAuthenticationEnabled { get; init; }
    public int AllocatedStorage { get; init; } = 20;
    public List<string> VpcSecurityGroupIds { get; init; } = [];
    public DateTimeOffset InstanceCreateTime { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public Dictionary<string, string> Tags { get; init; } = [];
}

public sealed class EstateLogGroup
{
    public required string Name { get; init; }
    /// <summary>Null = never expire.</summary>
    public int? RetentionInDays { get; init; }
    public string? KmsKeyId { get; init; }
    public long StoredBytes { get; init; }
    public DateTimeOffset CreationTime { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

public sealed class EstateConfig
{
    public EstateConfigRecorder? Recorder { get; init; }
    public EstateDeliveryChannel? DeliveryChannel { get; init; }
    public List<EstateConfigRule> Rules { get; init; } = [];
}

public sealed class EstateConfigRecorder
{
    public string Name { get; init; } = "default";
    public bool Recording { get; init; } = true;
    public bool AllSupported { get; init; } = true;
    public bool IncludeGlobalResourceTypes { get; init; } = true;
    public List<string> ResourceTypes { get; init; } = [];
    public string? RoleArn { get; init; }
    /// <summary><c>Success</c>, <c>Failure</c> or <c>Pending</c>.</summary>
    public string LastStatus { get; init; } = "Success";
    public DateTimeOffset LastStartTime { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

public sealed class EstateDeliveryChannel
{
    public string Name { get; init; } = "default";
    public required string S3BucketName { get; init; }
    public string? S3KeyPrefix { get; init; }
    public string? S3KmsKeyArn { get; init; }
    public string? SnsTopicArn { get; init; }
    public string DeliveryFrequency { get; init; } = "TwentyFour_Hours";
}

public sealed class EstateConfigRule
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>AWS</c> (managed rule), <c>CUSTOM_LAMBDA</c> or <c>CUSTOM_POLICY</c>.</summary>
    public string Owner { get; init; } = "AWS";
    /// <summary>Managed rule identifier (e.g. <c>IAM_USER_MFA_ENABLED</c>) or the Lambda function ARN.</summary>
    public required string SourceIdentifier { get; init; }
    public List<string> ResourceTypes { get; init; } = [];
    public string? InputParameters { get; init; }
    public string? MaximumExecutionFrequency { get; init; }
    public string State { get; init; } = "ACTIVE";
    public List<EstateEvaluation> Results { get; init; } = [];
    /// <summary>How long before the request the rule last evaluated successfully (DescribeConfigRuleEvaluationStatus).</summary>
    public double LastEvaluationHoursAgo { get; init; } = 2;
    /// <summary>True: the last evaluation failed (after the last success), with an error code.</summary>
    public bool LastEvaluationFailed { get; init; }
    /// <summary>True: Config has not once finished evaluating the rule.</summary>
    public bool NeverEvaluated { get; init; }
}

public sealed class EstateEvaluation
{
    public required string ResourceType { get; init; }
    public required string ResourceId { get; init; }
    /// <summary><c>COMPLIANT</c>, <c>NON_COMPLIANT</c> or <c>NOT_APPLICABLE</c>.</summary>
    public required string Compliance { get; init; }
    public string? Annotation { get; init; }
    public DateTimeOffset RecordedTime { get; init; } = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
}
