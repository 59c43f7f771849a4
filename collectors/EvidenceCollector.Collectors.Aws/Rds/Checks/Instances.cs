using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Rds.Checks;

internal static class Instances
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        new(Provider.Aws, id, title, severity, "AwsRdsDbInstance", rationale, remediation, [AwsKinds.RdsDbInstance], ItemByItem: true);

    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, CheckResult> judge) =>
        EvidenceChecks.Each(input, AwsKinds.RdsDbInstance, [], judge);

    /// <summary>
    /// Where a setting the cluster owns is read: the instance's cluster (<c>DBCluster</c>) when it belongs to one,
    /// else the instance. An error is a cluster that could not be read.
    /// </summary>
    public static (System.Text.Json.JsonElement Source, string Where, string? Error) Owner(EvidenceItem item)
    {
        if (item.Payload.Str("DBClusterIdentifier") is not { } cluster)
        {
            return (item.Payload, "instance", null);
        }

        if (item.Payload.SectionError("DBCluster") is { } error)
        {
            return (default, cluster, $"the instance belongs to cluster {cluster}, which could not be read: {error}");
        }

        return item.Payload.Prop("DBCluster") is { ValueKind: System.Text.Json.JsonValueKind.Object } c
            ? (c, $"cluster {cluster}", null)
            : (default, cluster, $"evidence incomplete: the instance belongs to cluster {cluster}, but its cluster was not collected");
    }
}
