using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>RDS (Query, 2014-10-31): DescribeDBInstances, DescribeDBClusters.</summary>
internal sealed class RdsService : EstateService
{
    private static readonly XNamespace Ns = "http://rds.amazonaws.com/doc/2014-10-31/";

    public override string Name => "rds";
    public override WireProtocol Protocol => WireProtocol.Query;
    public override XNamespace Namespace => Ns;
    protected override string Version => "2014-10-31";

    protected override AwsError InvalidToken(string token) => new("InvalidParameterValue", $"The marker {token} is not valid.");

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "DescribeDBInstances" => DescribeDBInstances(r),
        "DescribeDBClusters" => DescribeDBClusters(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private AwsResponse DescribeDBClusters(AwsRequest r)
    {
        var region = r.Account.Region(r.Region);
        var all = region.DbClusters;
        if (r.Param("DBClusterIdentifier") is { } id)
        {
            all = [.. all.Where(c => c.Identifier == id || $"arn:aws:rds:{r.Region}:{r.Account.Id}:cluster:{c.Identifier}" == id)];
            if (all.Count == 0)
            {
                throw new AwsError("DBClusterNotFoundFault", $"DBCluster {id} not found.", 404);
            }
        }
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxRecords"));
        return Query(r, Ns,
            E(Ns, "DBClusters", page.Select(c => E(Ns, "DBCluster",
                E(Ns, "AllocatedStorage", "1"),
                E(Ns, "AvailabilityZones", new[] { "a", "b", "c" }.Select(z => E(Ns, "AvailabilityZone", r.Region + z))),
                E(Ns, "BackupRetentionPeriod", Int(c.BackupRetentionPeriod)),
                E(Ns, "DBClusterIdentifier", c.Identifier),
                E(Ns, "DBClusterParameterGroup", "default." + c.Engine + "16"),
                E(Ns, "Status", "available"),
                E(Ns, "Endpoint", $"{c.Identifier}.cluster-c{StsService.Stable(r.Account.Id, 10).ToLowerInvariant()}.{r.Region}.rds.amazonaws.com"),
                E(Ns, "MultiAZ", "true"),
                E(Ns, "Engine", c.Engine),
                E(Ns, "EngineVersion", c.EngineVersion),
                E(Ns, "Port", "5432"),
                E(Ns, "MasterUsername", "dbadmin"),
                E(Ns, "PreferredBackupWindow", "03:00-04:00"),
                E(Ns, "DBClusterMembers", region.DbInstances.Where(d => d.ClusterIdentifier == c.Identifier).Select((d, i) => E(Ns, "DBClusterMember",
                    E(Ns, "DBInstanceIdentifier", d.Identifier), E(Ns, "IsClusterWriter", i == 0 ? "true" : "false"), E(Ns, "PromotionTier", "1")))),
                E(Ns, "StorageEncrypted", Bool(c.StorageEncrypted)),
                E(Ns, "DbClusterResourceId", "cluster-" + StsService.Stable(r.Account.Id + c.Identifier, 26)),
                E(Ns, "DBClusterArn", $"arn:aws:rds:{r.Region}:{r.Account.Id}:cluster:{c.Identifier}"),
                E(Ns, "DeletionProtection", Bool(c.DeletionProtection))))),
            Opt(Ns, "Marker", next));
    }

    private AwsResponse DescribeDBInstances(AwsRequest r)
    {
        var all = r.Account.Region(r.Region).DbInstances;
        if (r.Param("DBInstanceIdentifier") is { } id)
        {
            all = [.. all.Where(d => d.Identifier == id || $"arn:aws:rds:{r.Region}:{r.Account.Id}:db:{d.Identifier}" == id)];
            if (all.Count == 0)
            {
                throw new AwsError("DBInstanceNotFound", $"DBInstance {id} not found.", 404);
            }
        }
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxRecords"));
        return Query(r, Ns,
            E(Ns, "DBInstances", page.Select(d => E(Ns, "DBInstance",
                E(Ns, "DBInstanceIdentifier", d.Identifier),
                Opt(Ns, "DBClusterIdentifier", d.ClusterIdentifier),
                E(Ns, "DBInstanceClass", d.InstanceClass),
                E(Ns, "Engine", d.Engine),
                E(Ns, "DBInstanceStatus", "available"),
                E(Ns, "MasterUsername", "dbadmin"),
                E(Ns, "Endpoint",
                    E(Ns, "Address", $"{d.Identifier}.c{StsService.Stable(r.Account.Id, 10).ToLowerInvariant()}.{r.Region}.rds.amazonaws.com"),
                    E(Ns, "Port", d.Engine.Contains("mysql", StringComparison.Ordinal) ? "3306" : "5432"),
                    E(Ns, "HostedZoneId", "Z29XKXDKYMONMX")),
                E(Ns, "AllocatedStorage", Int(d.AllocatedStorage)),
                E(Ns, "InstanceCreateTime", Iso(d.InstanceCreateTime)),
                E(Ns, "PreferredBackupWindow", "03:00-04:00"),
                E(Ns, "BackupRetentionPeriod", Int(d.BackupRetentionPeriod)),
                E(Ns, "VpcSecurityGroups", d.VpcSecurityGroupIds.Select(g => E(Ns, "VpcSecurityGroupMembership", E(Ns, "VpcSecurityGroupId", g), E(Ns, "Status", "active")))),
                E(Ns, "AvailabilityZone", r.Region + "a"),
                E(Ns, "PreferredMaintenanceWindow", "sun:05:00-sun:06:00"),
                E(Ns, "MultiAZ", Bool(d.MultiAz)),
                E(Ns, "EngineVersion", d.EngineVersion),
                E(Ns, "AutoMinorVersionUpgrade", Bool(d.AutoMinorVersionUpgrade)),
                E(Ns, "PubliclyAccessible", Bool(d.PubliclyAccessible)),
                E(Ns, "StorageType", "gp3"),
                E(Ns, "DbInstancePort", "0"),
                E(Ns, "StorageEncrypted", Bool(d.StorageEncrypted)),
                d.StorageEncrypted ? Opt(Ns, "KmsKeyId", d.KmsKeyId ?? $"arn:aws:kms:{r.Region}:{r.Account.Id}:key/aws-rds-default") : null,
                E(Ns, "DbiResourceId", "db-" + StsService.Stable(r.Account.Id + d.Identifier, 26)),
                E(Ns, "CACertificateIdentifier", "rds-ca-rsa2048-g1"),
                E(Ns, "CopyTagsToSnapshot", "true"),
                E(Ns, "MonitoringInterval", "0"),
                E(Ns, "DBInstanceArn", $"arn:aws:rds:{r.Region}:{r.Account.Id}:db:{d.Identifier}"),
                E(Ns, "IAMDatabaseAuthenticationEnabled", Bool(d.IamDatabaseAuthenticationEnabled)),
                E(Ns, "PerformanceInsightsEnabled", "false"),
                E(Ns, "DeletionProtection", Bool(d.DeletionProtection)),
                E(Ns, "TagList", d.Tags.Select(t => E(Ns, "Tag", E(Ns, "Key", t.Key), E(Ns, "Value", t.Value))))))),
            Opt(Ns, "Marker", next));
    }
}
