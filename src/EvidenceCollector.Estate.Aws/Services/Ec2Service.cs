using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>EC2 (EC2 Query, 2016-11-15): regions, EBS defaults, volumes, security groups, VPCs, flow logs.</summary>
internal sealed class Ec2Service : EstateService
{
    private static readonly XNamespace Ns = Ec2Ns;

    /// <summary>Regions that are opt-in on AWS (listed as <c>opted-in</c> when enabled).</summary>
    internal static readonly HashSet<string> OptInRegions =
    [
        "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
        "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
    ];

    public override string Name => "ec2";
    public override WireProtocol Protocol => WireProtocol.Ec2;
    protected override string Version => "2016-11-15";

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "DescribeRegions" => DescribeRegions(r),
        "GetEbsEncryptionByDefault" => Ec2(r,
            E(Ns, "ebsEncryptionByDefault", Bool(r.Account.Region(r.Region).EbsEncryptionByDefault)),
            E(Ns, "sseType", r.Account.Region(r.Region).EbsEncryptionByDefault ? "sse-ebs" : "none")),
        "GetEbsDefaultKmsKeyId" => Ec2(r, E(Ns, "kmsKeyId", r.Account.Region(r.Region).EbsDefaultKmsKeyId ?? "alias/aws/ebs")),
        "DescribeVolumes" => DescribeVolumes(r),
        "DescribeSecurityGroups" => DescribeSecurityGroups(r),
        "DescribeVpcs" => DescribeVpcs(r),
        "DescribeFlowLogs" => DescribeFlowLogs(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private AwsResponse DescribeRegions(AwsRequest r)
    {
        var regions = r.Account.EnabledRegions.Select(n => (Name: n, Status: OptInRegions.Contains(n) ? "opted-in" : "opt-in-not-required")).ToList();
        if (r.BoolParam("AllRegions"))
        {
            regions.AddRange(r.Account.DisabledRegions.Select(n => (Name: n, Status: "not-opted-in")));
        }
        var names = r.ListParam("RegionName");
        if (names.Count > 0)
        {
            regions = [.. regions.Where(x => names.Contains(x.Name))];
        }
        regions = [.. Filter(r, regions, (x, name) => name switch
        {
            "region-name" => [x.Name],
            "opt-in-status" => [x.Status],
            "endpoint" => [$"ec2.{x.Name}.amazonaws.com"],
            _ => null,
        }).OrderBy(x => x.Name, StringComparer.Ordinal)];
        return Ec2(r, E(Ns, "regionInfo", regions.Select(x => E(Ns, "item",
            E(Ns, "regionName", x.Name), E(Ns, "regionEndpoint", $"ec2.{x.Name}.amazonaws.com"), E(Ns, "optInStatus", x.Status)))));
    }

    /// <summary>Applies EC2 filters; <paramref name="values"/> returns null for a filter name it does not know.</summary>
    private static IEnumerable<T> Filter<T>(AwsRequest r, IEnumerable<T> items, Func<T, string, IEnumerable<string>?> values)
    {
        var filters = r.Filters();
        var list = items.ToList();
        foreach (var (name, wanted) in filters)
        {
            list = [.. list.Where(i => (values(i, name) ?? throw new AwsError("InvalidParameterValue", $"The filter '{name}' is invalid"))
                .Any(v => wanted.Any(w => Matches(w, v))))];
        }
        return list;
    }

    private static bool Matches(string pattern, string value) =>
        pattern.Contains('*', StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.IsMatch(value, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$")
            : pattern == value;

    private static XElement? Tags(Dictionary<string, string> tags) => tags.Count == 0 ? null
        : E(Ns, "tagSet", tags.Select(t => E(Ns, "item", E(Ns, "key", t.Key), E(Ns, "value", t.Value))));

    private static IEnumerable<string> TagValues(Dictionary<string, string> tags, string filter) =>
        filter.StartsWith("tag:", StringComparison.Ordinal) && tags.TryGetValue(filter[4..], out var v) ? [v] : [];

    private static List<T> ById<T>(AwsRequest r, List<T> all, string param, Func<T, string> id, string notFound, string kind)
    {
        var ids = r.ListParam(param);
        if (ids.Count == 0)
        {
            return all;
        }
        var missing = ids.FirstOrDefault(i => !all.Any(x => id(x) == i));
        if (missing is not null)
        {
            throw new AwsError(notFound, $"The {kind} '{missing}' does not exist");
        }
        return [.. all.Where(x => ids.Contains(id(x)))];
    }

    private AwsResponse DescribeVolumes(AwsRequest r)
    {
        var region = r.Account.Region(r.Region);
        var all = Filter(r, ById(r, region.Volumes, "VolumeId", v => v.Id, "InvalidVolume.NotFound", "volume"), (v, f) => f switch
        {
            "volume-id" => [v.Id],
            "encrypted" => [Bool(v.Encrypted)],
            "status" => [v.State],
            "volume-type" => [v.VolumeType],
            "attachment.instance-id" => v.AttachedInstanceId is { } i ? [i] : [],
            _ when f.StartsWith("tag:", StringComparison.Ordinal) => TagValues(v.Tags, f),
            _ => null,
        }).ToList();
        var (page, next) = Page(r, all, r.Param("NextToken"), r.IntParam("MaxResults"));
        return Ec2(r, E(Ns, "volumeSet", page.Select(v =>
        {
            var az = v.AvailabilityZone ?? r.Region + "a";
            return E(Ns, "item",
                E(Ns, "volumeId", v.Id),
                E(Ns, "size", Int(v.Size)),
                E(Ns, "snapshotId", ""),
                E(Ns, "availabilityZone", az),
                E(Ns, "status", v.State),
                E(Ns, "createTime", Iso(v.CreateTime)),
                E(Ns, "attachmentSet", v.AttachedInstanceId is { } instance
                    ? E(Ns, "item", E(Ns, "volumeId", v.Id), E(Ns, "instanceId", instance), E(Ns, "device", "/dev/xvda"),
                        E(Ns, "status", "attached"), E(Ns, "attachTime", Iso(v.CreateTime)), E(Ns, "deleteOnTermination", "true"))
                    : null),
                E(Ns, "volumeType", v.VolumeType),
                v.VolumeType is "gp3" or "io1" or "io2" ? E(Ns, "iops", "3000") : null,
                E(Ns, "encrypted", Bool(v.Encrypted)),
                v.Encrypted ? E(Ns, "kmsKeyId", v.KmsKeyId ?? $"arn:aws:kms:{r.Region}:{r.Account.Id}:key/aws-ebs-default") : null,
                Tags(v.Tags),
                E(Ns, "multiAttachEnabled", "false"),
                v.VolumeType == "gp3" ? E(Ns, "throughput", "125") : null);
        })), Opt(Ns, "nextToken", next));
    }

    private static XElement Permissions(string name, IEnumerable<EstatePermission> permissions, AwsRequest r) => E(Ns, name,
        permissions.Select(p => E(Ns, "item",
            E(Ns, "ipProtocol", p.Protocol),
            p.Protocol != "-1" && p.FromPort is { } from ? E(Ns, "fromPort", Int(from)) : null,
            p.Protocol != "-1" && p.ToPort is { } to ? E(Ns, "toPort", Int(to)) : null,
            E(Ns, "groups", p.Groups.Select(g => E(Ns, "item", E(Ns, "userId", r.Account.Id), E(Ns, "groupId", g), Opt(Ns, "description", p.Description)))),
            E(Ns, "ipRanges", p.Cidrs.Select(c => E(Ns, "item", E(Ns, "cidrIp", c), Opt(Ns, "description", p.Description)))),
            E(Ns, "ipv6Ranges", p.Ipv6Cidrs.Select(c => E(Ns, "item", E(Ns, "cidrIpv6", c), Opt(Ns, "description", p.Description)))),
            E(Ns, "prefixListIds"))));

    private static readonly EstatePermission[] DefaultEgress = [new() { Protocol = "-1", Cidrs = ["0.0.0.0/0"] }];

    private AwsResponse DescribeSecurityGroups(AwsRequest r)
    {
        var region = r.Account.Region(r.Region);
        var groups = ById(r, region.SecurityGroups, "GroupId", g => g.Id, "InvalidGroup.NotFound", "security group");
        var names = r.ListParam("GroupName");
        if (names.Count > 0)
        {
            groups = [.. groups.Where(g => names.Contains(g.Name))];
        }
        var all = Filter(r, groups, (g, f) => f switch
        {
            "group-id" => [g.Id],
            "group-name" => [g.Name],
            "vpc-id" => [g.VpcId],
            "owner-id" => [r.Account.Id],
            "description" => [g.Description],
            "ip-permission.cidr" => g.Ingress.SelectMany(p => p.Cidrs),
            "ip-permission.from-port" => g.Ingress.Where(p => p.FromPort is not null).Select(p => Int(p.FromPort!.Value)),
            _ when f.StartsWith("tag:", StringComparison.Ordinal) => TagValues(g.Tags, f),
            _ => null,
        }).ToList();
        var (page, next) = Page(r, all, r.Param("NextToken"), r.IntParam("MaxResults"));
        return Ec2(r, E(Ns, "securityGroupInfo", page.Select(g => E(Ns, "item",
            E(Ns, "ownerId", r.Account.Id),
            E(Ns, "groupId", g.Id),
            E(Ns, "groupName", g.Name),
            E(Ns, "groupDescription", g.Description),
            E(Ns, "vpcId", g.VpcId),
            Permissions("ipPermissions", g.Ingress, r),
            Permissions("ipPermissionsEgress", g.Egress ?? [.. DefaultEgress], r),
            Tags(g.Tags),
            E(Ns, "securityGroupArn", $"arn:aws:ec2:{r.Region}:{r.Account.Id}:security-group/{g.Id}")))), Opt(Ns, "nextToken", next));
    }

    private AwsResponse DescribeVpcs(AwsRequest r)
    {
        var region = r.Account.Region(r.Region);
        var all = Filter(r, ById(r, region.Vpcs, "VpcId", v => v.Id, "InvalidVpcID.NotFound", "vpc ID"), (v, f) => f switch
        {
            "vpc-id" => [v.Id],
            "is-default" => [Bool(v.IsDefault)],
            "cidr" or "cidr-block-association.cidr-block" => [v.CidrBlock],
            "owner-id" => [r.Account.Id],
            "state" => ["available"],
            _ when f.StartsWith("tag:", StringComparison.Ordinal) => TagValues(v.Tags, f),
            _ => null,
        }).ToList();
        var (page, next) = Page(r, all, r.Param("NextToken"), r.IntParam("MaxResults"));
        return Ec2(r, E(Ns, "vpcSet", page.Select(v => E(Ns, "item",
            E(Ns, "vpcId", v.Id),
            E(Ns, "ownerId", r.Account.Id),
            E(Ns, "state", "available"),
            E(Ns, "cidrBlock", v.CidrBlock),
            E(Ns, "cidrBlockAssociationSet", E(Ns, "item",
                E(Ns, "cidrBlock", v.CidrBlock), E(Ns, "associationId", "vpc-cidr-assoc-" + v.Id[(v.Id.IndexOf('-') + 1)..]),
                E(Ns, "cidrBlockState", E(Ns, "state", "associated")))),
            E(Ns, "dhcpOptionsId", "dopt-" + StsService.Stable(v.Id, 8).ToLowerInvariant()),
            Tags(v.Tags),
            E(Ns, "instanceTenancy", "default"),
            E(Ns, "isDefault", Bool(v.IsDefault))))), Opt(Ns, "nextToken", next));
    }

    private AwsResponse DescribeFlowLogs(AwsRequest r)
    {
        var region = r.Account.Region(r.Region);
        var all = Filter(r, ById(r, region.FlowLogs, "FlowLogId", f => f.Id, "InvalidFlowLogId.NotFound", "flow log"), (fl, f) => f switch
        {
            "resource-id" => [fl.ResourceId],
            "flow-log-id" => [fl.Id],
            "traffic-type" => [fl.TrafficType],
            "log-destination-type" => [fl.DestinationType],
            "deliver-log-status" => ["SUCCESS"],
            "log-group-name" => fl.LogGroupName is { } g ? [g] : [],
            _ => null,
        }).ToList();
        var (page, next) = Page(r, all, r.Param("NextToken"), r.IntParam("MaxResults"));
        return Ec2(r, E(Ns, "flowLogSet", page.Select(fl => E(Ns, "item",
            E(Ns, "creationTime", Iso(fl.CreationTime)),
            E(Ns, "deliverLogsStatus", "SUCCESS"),
            E(Ns, "flowLogId", fl.Id),
            E(Ns, "flowLogStatus", fl.Status),
            Opt(Ns, "logGroupName", fl.LogGroupName),
            E(Ns, "resourceId", fl.ResourceId),
            E(Ns, "trafficType", fl.TrafficType),
            E(Ns, "logDestinationType", fl.DestinationType),
            Opt(Ns, "logDestination", fl.Destination ?? (fl.LogGroupName is { } lg ? $"arn:aws:logs:{r.Region}:{r.Account.Id}:log-group:{lg}" : null)),
            E(Ns, "logFormat", "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"),
            E(Ns, "maxAggregationInterval", "600")))), Opt(Ns, "nextToken", next));
    }
}
