using System.Text.Json.Nodes;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>CloudTrail (JSON 1.1): DescribeTrails (with shadow trails), GetTrailStatus, GetEventSelectors.</summary>
internal sealed class CloudTrailService(EstateState state) : EstateService
{
    public override string Name => "cloudtrail";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override string TargetPrefix => "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "DescribeTrails" => DescribeTrails(r),
        "GetTrailStatus" => GetTrailStatus(r),
        "GetEventSelectors" => GetEventSelectors(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private sealed record Visible(EstateTrail Trail, string OwnerAccount)
    {
        public string Arn => $"arn:aws:cloudtrail:{Trail.HomeRegion}:{OwnerAccount}:trail/{Trail.Name}";
    }

    /// <summary>Trails visible in the caller's region: its own home-region trails, multi-region trails (shadows) and the organization's trails.</summary>
    private IEnumerable<Visible> VisibleTrails(AwsRequest r, bool includeShadows)
    {
        var own = r.Account.Trails.Select(t => new Visible(t, r.Account.Id));
        var management = state.Estate.ManagementAccount;
        var org = r.Account.Id == management.Id ? [] : management.Trails.Where(t => t.IsOrganizationTrail).Select(t => new Visible(t, management.Id));
        return own.Concat(org).Where(v => v.Trail.HomeRegion == r.Region || (includeShadows && v.Trail.IsMultiRegion));
    }

    private Visible Find(AwsRequest r, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new AwsError("InvalidTrailNameException", "Trail name cannot be empty.");
        }
        return VisibleTrails(r, includeShadows: true).FirstOrDefault(v => v.Trail.Name == name || v.Arn == name)
            ?? throw new AwsError("TrailNotFoundException", $"Unknown trail: {name} for the user: {r.Account.Id}");
    }

    private static bool HasCustomSelectors(EstateTrail t) => t.AdvancedEventSelectors is not null || t.EventSelectors is not null;

    private AwsResponse DescribeTrails(AwsRequest r)
    {
        var names = r.JsonStrings("trailNameList");
        var trails = VisibleTrails(r, r.JsonBool("includeShadowTrails") ?? true)
            .Where(v => names.Count == 0 || names.Contains(v.Trail.Name) || names.Contains(v.Arn));
        return Json(r, Obj(("trailList", Arr(trails.Select(v => Obj(
            ("Name", v.Trail.Name),
            ("S3BucketName", v.Trail.S3BucketName),
            ("S3KeyPrefix", v.Trail.S3KeyPrefix),
            ("IncludeGlobalServiceEvents", v.Trail.IncludeGlobalServiceEvents),
            ("IsMultiRegionTrail", v.Trail.IsMultiRegion),
            ("HomeRegion", v.Trail.HomeRegion),
            ("TrailARN", v.Arn),
            ("LogFileValidationEnabled", v.Trail.LogFileValidationEnabled),
            ("CloudWatchLogsLogGroupArn", v.Trail.CloudWatchLogsLogGroupArn),
            ("CloudWatchLogsRoleArn", v.Trail.CloudWatchLogsRoleArn),
            ("KmsKeyId", v.Trail.KmsKeyId),
            ("HasCustomEventSelectors", HasCustomSelectors(v.Trail)),
            ("HasInsightSelectors", false),
            ("IsOrganizationTrail", v.Trail.IsOrganizationTrail)))))));
    }

    private AwsResponse GetTrailStatus(AwsRequest r)
    {
        var t = Find(r, r.JsonString("Name")).Trail;
        var started = new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return Json(r, Obj(
            ("IsLogging", t.IsLogging),
            ("LatestDeliveryError", t.LatestDeliveryError),
            ("LatestDeliveryTime", t.LatestDeliveryTime is { } d ? Epoch(d) : null),
            ("StartLoggingTime", Epoch(started)),
            ("StopLoggingTime", t.IsLogging ? null : Epoch(t.LatestDeliveryTime ?? started)),
            ("LatestCloudWatchLogsDeliveryTime", t.CloudWatchLogsLogGroupArn is null ? null
                : t.CloudWatchLogsDeliveryHoursAgo is { } ago ? Epoch(r.Now.AddHours(-ago))
                : t.LatestDeliveryTime is { } c ? Epoch(c) : null),
            ("LatestCloudWatchLogsDeliveryError", t.CloudWatchLogsLogGroupArn is null ? null : t.LatestCloudWatchLogsDeliveryError),
            ("LatestDigestDeliveryTime", t.LogFileValidationEnabled && t.LatestDeliveryTime is { } g ? Epoch(g) : null),
            ("TimeLoggingStarted", Iso(started)),
            ("TimeLoggingStopped", t.IsLogging ? null : Iso(t.LatestDeliveryTime ?? started))));
    }

    private AwsResponse GetEventSelectors(AwsRequest r)
    {
        var v = Find(r, r.JsonString("TrailName"));
        var t = v.Trail;
        if (t.AdvancedEventSelectors is not null)
        {
            return Json(r, Obj(("TrailARN", v.Arn), ("AdvancedEventSelectors", Node(t.AdvancedEventSelectors))));
        }
        var selectors = Node(t.EventSelectors) ?? new JsonArray(Obj(
            ("ReadWriteType", "All"), ("IncludeManagementEvents", true), ("DataResources", new JsonArray()), ("ExcludeManagementEventSources", new JsonArray())));
        return Json(r, Obj(("TrailARN", v.Arn), ("EventSelectors", selectors)));
    }
}
