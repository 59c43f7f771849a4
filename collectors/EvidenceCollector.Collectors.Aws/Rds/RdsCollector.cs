using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Rds;

/// <summary>RDS per region: DescribeDBInstances, one record per DB instance, streamed page by page.</summary>
public sealed class RdsCollector(AwsClients clients, ILogger<RdsCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.rds", "rds", false, [AwsKinds.RdsDbInstance]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        try
        {
            await Clients.Api.QueryPagesAsync(session.In(region), AwsOperations.RdsDescribeDBInstances, null, "DBInstances", async (items, page) =>
            {
                await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                foreach (var instance in items.OfType<JsonObject>())
                {
                    var arn = instance["DBInstanceArn"]?.GetValue<string>()
                        ?? $"arn:aws:rds:{region}:{session.AccountId}:db:{instance["DBInstanceIdentifier"]?.GetValue<string>()}";
                    result.Records.Add(Record(AwsKinds.RdsDbInstance, arn, region, instance, "rds", page.Endpoint, page.RequestId, page.AnsweredAt, AwsOperations.RdsDescribeDBInstances));
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.RdsDbInstance));
        }
    }
}
