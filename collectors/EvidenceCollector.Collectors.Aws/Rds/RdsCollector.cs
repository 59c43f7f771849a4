using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Rds;

/// <summary>
/// RDS per region: DescribeDBInstances, one record per DB instance, streamed page by page. An instance of a
/// cluster (Aurora, DocumentDB, Neptune: <c>DBClusterIdentifier</c> set) carries its cluster from
/// DescribeDBClusters under <c>DBCluster</c>, since backup retention and deletion protection are the cluster's.
/// </summary>
public sealed class RdsCollector(AwsClients clients, ILogger<RdsCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.rds", "rds", false, [AwsKinds.RdsDbInstance]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        // Clusters are few; read them first so each member instance carries its own.
        Dictionary<string, JsonObject>? clusters = null;
        JsonObject? clusterError = null;
        try
        {
            var list = await Clients.Api.QueryListAsync(session.In(region), AwsOperations.RdsDescribeDBClusters, null, "DBClusters", cancellationToken).ConfigureAwait(false);
            clusters = list.Items.OfType<JsonObject>().Where(c => c["DBClusterIdentifier"] is not null)
                .GroupBy(c => c["DBClusterIdentifier"]!.GetValue<string>(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (AwsApiException e)
        {
            clusterError = AwsJson.SectionError(e);
        }

        try
        {
            await Clients.Api.QueryPagesAsync(session.In(region), AwsOperations.RdsDescribeDBInstances, null, "DBInstances", async (items, page) =>
            {
                await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                foreach (var instance in items.OfType<JsonObject>())
                {
                    var arn = instance["DBInstanceArn"]?.GetValue<string>()
                        ?? $"arn:aws:rds:{region}:{session.AccountId}:db:{instance["DBInstanceIdentifier"]?.GetValue<string>()}";
                    if (instance["DBClusterIdentifier"]?.GetValue<string>() is { } clusterId)
                    {
                        instance["DBCluster"] = clusterError?.DeepClone()
                            ?? (clusters!.TryGetValue(clusterId, out var cluster) ? cluster.DeepClone()
                                : new JsonObject { ["error"] = new JsonObject { ["code"] = AwsApiException.MalformedResponse, ["message"] = $"DescribeDBClusters did not list the instance's cluster {clusterId}" } });
                    }

                    result.Records.Add(Record(AwsKinds.RdsDbInstance, arn, region, instance, "rds", page.Endpoint, page.RequestId, page.AnsweredAt, AwsOperations.RdsDescribeDBInstances, AwsOperations.RdsDescribeDBClusters));
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.RdsDbInstance));
        }
    }
}
