using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>CloudWatch Logs (JSON 1.1, Logs_20140328): DescribeLogGroups.</summary>
internal sealed class LogsService : EstateService
{
    public override string Name => "logs";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override string TargetPrefix => "Logs_20140328";

    protected override AwsError InvalidToken(string token) => new("InvalidParameterException", "The specified nextToken is invalid.");

    public override AwsResponse Handle(AwsRequest r)
    {
        if (r.Operation != "DescribeLogGroups")
        {
            throw UnknownOperation(r.Operation);
        }
        var prefix = r.JsonString("logGroupNamePrefix");
        var pattern = r.JsonString("logGroupNamePattern");
        var all = r.Account.Region(r.Region).LogGroups
            .Where(g => prefix is null || g.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Where(g => pattern is null || g.Name.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            .OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        var (page, next) = Page(r, all, r.JsonString("nextToken"), r.JsonInt("limit"));
        return Json(r, Obj(
            ("logGroups", Arr(page.Select(g => Obj(
                ("logGroupName", g.Name),
                ("creationTime", g.CreationTime.ToUnixTimeMilliseconds()),
                ("retentionInDays", g.RetentionInDays),
                ("metricFilterCount", 0),
                ("arn", $"arn:aws:logs:{r.Region}:{r.Account.Id}:log-group:{g.Name}:*"),
                ("storedBytes", g.StoredBytes),
                ("kmsKeyId", g.KmsKeyId),
                ("logGroupClass", "STANDARD"),
                ("logGroupArn", $"arn:aws:logs:{r.Region}:{r.Account.Id}:log-group:{g.Name}"))))),
            ("nextToken", next)));
    }
}
