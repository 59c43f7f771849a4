using System.Globalization;
using System.Text.Json;

namespace EvidenceCollector.Estate.Aws;

/// <summary>Builds synthetic, deterministic estates for benchmarks: the same arguments give the same estate.</summary>
internal static class EstateGenerator
{
    private static readonly string[] RegionNames =
    [
        "us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2", "ap-northeast-1", "eu-west-2", "us-east-2",
        "ca-central-1", "sa-east-1", "eu-north-1", "ap-south-1", "us-west-1", "eu-west-3", "ap-northeast-2", "ap-southeast-1",
    ];

    private static readonly string[] ManagedRules =
    [
        "IAM_USER_MFA_ENABLED", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "CLOUD_TRAIL_ENABLED", "ENCRYPTED_VOLUMES",
        "INCOMING_SSH_DISABLED", "RDS_STORAGE_ENCRYPTED", "CMK_BACKING_KEY_ROTATION_ENABLED", "VPC_FLOW_LOGS_ENABLED",
    ];

    public static EstateDefinition Generate(int accounts, int regions, int resourcesPerRegion, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(accounts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(regions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(regions, RegionNames.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(resourcesPerRegion);
        var random = new Random(seed);
        var baseDate = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset Date() => baseDate.AddDays(random.Next(0, 2000));
        string Hex(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => "0123456789abcdef"[random.Next(16)]));
        var list = new List<EstateAccount>();
        for (var a = 0; a < accounts; a++)
        {
            var id = (100000000000L + (a * 1000003L) + seed).ToString("D12", CultureInfo.InvariantCulture);
            var enabled = RegionNames.Take(regions).ToList();
            var regionMap = new Dictionary<string, EstateRegion>();
            var users = Enumerable.Range(0, Math.Max(1, resourcesPerRegion)).Select(u => new EstateUser
            {
                Name = $"user-{u:D4}",
                CreateDate = Date(),
                PasswordEnabled = u % 2 == 0,
                PasswordLastUsed = u % 3 == 0 ? null : Date(),
                MfaDevices = u % 3 == 0 ? [] : [new EstateMfaDevice { EnableDate = Date() }],
                AccessKeys = u % 4 == 0 ? [] : [new EstateAccessKey { Id = $"AKIAGEN{a:D4}{u:D9}", Created = Date(), LastUsed = u % 5 == 0 ? null : Date(), LastUsedService = "s3", LastUsedRegion = enabled[0] }],
                AttachedPolicies = u % 7 == 0 ? ["arn:aws:iam::aws:policy/AdministratorAccess"] : ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            }).ToList();
            var buckets = new List<EstateBucket>();
            foreach (var region in enabled)
            {
                var n = resourcesPerRegion;
                int Share(int parts) => Math.Max(n > 0 ? 1 : 0, n / parts);
                var vpcs = Enumerable.Range(0, Share(8)).Select(i => new EstateVpc { Id = $"vpc-{Hex(17)}", CidrBlock = $"10.{i % 256}.0.0/16", IsDefault = i == 0 }).ToList();
                var keys = Enumerable.Range(0, Share(8)).Select(i => new EstateKmsKey
                {
                    Id = Guid.Parse($"{Hex(8)}-{Hex(4)}-4{Hex(3)}-8{Hex(3)}-{Hex(12)}").ToString(),
                    RotationEnabled = i % 2 == 0,
                    KeyState = i % 11 == 5 ? "PendingDeletion" : "Enabled",
                    DeletionDate = i % 11 == 5 ? baseDate.AddYears(7) : null,
                    CreationDate = Date(),
                    Aliases = [$"alias/gen-{i}"],
                }).ToList();
                var groups = Enumerable.Range(0, Share(6)).Select(i => new EstateSecurityGroup
                {
                    Id = $"sg-{Hex(17)}",
                    Name = i == 0 ? "default" : $"sg-gen-{i}",
                    Description = "generated",
                    VpcId = vpcs.Count > 0 ? vpcs[i % vpcs.Count].Id : "vpc-00000000000000000",
                    Ingress = (i % 4) switch
                    {
                        0 => [new EstatePermission { Protocol = "-1", Groups = [] }],
                        1 => [new EstatePermission { FromPort = 22, ToPort = 22, Cidrs = ["0.0.0.0/0"] }],
                        2 => [new EstatePermission { FromPort = 3389, ToPort = 3389, Cidrs = ["0.0.0.0/0"], Ipv6Cidrs = ["::/0"] }],
                        _ => [new EstatePermission { FromPort = 443, ToPort = 443, Cidrs = ["10.0.0.0/8"] }],
                    },
                    Tags = i % 5 == 1 ? new() { ["secret"] = "AWS_SECRET_ACCESS_KEY=" + Hex(40) } : [],
                }).ToList();
                regionMap[region] = new EstateRegion
                {
                    EbsEncryptionByDefault = random.Next(2) == 0,
                    KmsKeys = keys,
                    Vpcs = vpcs,
                    SecurityGroups = groups,
                    FlowLogs = [.. vpcs.Where((_, i) => i % 2 == 1).Select(v => new EstateFlowLog { Id = $"fl-{Hex(17)}", ResourceId = v.Id, LogGroupName = "/vpc/flow" })],
                    Volumes = [.. Enumerable.Range(0, Share(5)).Select(i => new EstateVolume { Id = $"vol-{Hex(17)}", Size = 8 + i, Encrypted = i % 3 != 0, CreateTime = Date() })],
                    DbInstances = [.. Enumerable.Range(0, Share(10)).Select(i => new EstateDbInstance
                    {
                        Identifier = $"db-gen-{i}", StorageEncrypted = i % 2 == 0, PubliclyAccessible = i % 5 == 4,
                        BackupRetentionPeriod = i % 3, DeletionProtection = i % 2 == 0, InstanceCreateTime = Date(),
                    })],
                    LogGroups = [.. Enumerable.Range(0, Share(6)).Select(i => new EstateLogGroup
                    {
                        Name = $"/gen/log-{i}", RetentionInDays = i % 3 == 0 ? null : 30, KmsKeyId = i % 4 == 0 && keys.Count > 0 ? $"arn:aws:kms:{region}:{id}:key/{keys[0].Id}" : null, CreationTime = Date(),
                    })],
                    Config = new EstateConfig
                    {
                        Recorder = new EstateConfigRecorder { Recording = random.Next(4) != 0 },
                        DeliveryChannel = new EstateDeliveryChannel { S3BucketName = $"gen-config-{id}" },
                        Rules = [.. ManagedRules.Select(rule => new EstateConfigRule
                        {
                            Name = rule.ToLowerInvariant().Replace('_', '-'),
                            SourceIdentifier = rule,
                            Results = [.. Enumerable.Range(0, Math.Max(1, n / 8)).Select(i => new EstateEvaluation
                            {
                                ResourceType = "AWS::EC2::Volume", ResourceId = $"vol-gen-{i}", Compliance = random.Next(3) == 0 ? "NON_COMPLIANT" : "COMPLIANT",
                            })],
                        }), new EstateConfigRule { Name = "custom-tagging", Owner = "CUSTOM_LAMBDA", SourceIdentifier = $"arn:aws:lambda:{region}:{id}:function:tagging" }],
                    },
                };
                buckets.AddRange(Enumerable.Range(0, Share(10)).Select(i => new EstateBucket
                {
                    Name = $"gen-{id}-{region}-{i}",
                    Region = region,
                    CreationDate = Date(),
                    Encryption = i % 3 == 0 ? null : new EstateBucketEncryption(),
                    PublicAccessBlock = i % 2 == 0 ? new EstatePublicAccessBlock { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true } : null,
                    Versioning = i % 2 == 0 ? "Enabled" : null,
                    AclGrants = i % 7 == 3 ? [new EstateGrant { Grantee = "AllUsers" }] : [],
                }));
            }
            list.Add(new EstateAccount
            {
                Id = id,
                Name = $"generated-{a}",
                EnabledRegions = enabled,
                DisabledRegions = ["ap-east-1"],
                Roles = [new EstateRole { Name = "EvidenceCollectorReadOnly" }],
                Iam = new EstateIam
                {
                    Root = new EstateRootUser { Mfa = a % 2 == 0 ? "virtual" : null },
                    PasswordPolicy = a % 3 == 2 ? null : new EstatePasswordPolicy { MinimumPasswordLength = a % 3 == 0 ? 14 : 6 },
                    Users = users,
                    Policies = [new EstatePolicy { Name = "GeneratedAdmin", Document = JsonDocument.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""").RootElement.Clone() }],
                },
                S3 = new EstateS3 { Buckets = buckets },
                Trails = [new EstateTrail { Name = "gen-trail", HomeRegion = enabled[0], IsMultiRegion = a % 2 == 0, S3BucketName = $"gen-trail-{id}", LogFileValidationEnabled = a % 2 == 0 }],
                Regions = regionMap,
            });
        }
        return new EstateDefinition { ManagementAccountId = list[0].Id, OrganizationId = "o-generated" + seed.ToString(CultureInfo.InvariantCulture), Accounts = list };
    }
}
