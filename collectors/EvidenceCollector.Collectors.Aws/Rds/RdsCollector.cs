using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Rds;

/// <summary>RDS per region: DescribeDBInstances, one record per DB instance.</summary>
public sealed class RdsCollector(AwsClients clients, ILogger<RdsCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.rds", "rds", false, [AwsKinds.RdsDbInstance]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        try
        {
            var list = await Clients.Api.QueryListAsync(session.In(region), AwsOperations.RdsDescribeDBInstances, null, "DBInstances", cancellationToken).ConfigureAwait(false);
            foreach (var instance in list.Items.OfType<JsonObject>())
            {
                var arn = instance["DBInstanceArn"]?.GetValue<string>()
                    ?? $"arn:aws:rds:{region}:{session.AccountId}:db:{instance["DBInstanceIdentifier"]?.GetValue<string>()}";
                result.Records.Add(Record(AwsKinds.RdsDbInstance, arn, region, instance.DeepClone(), "rds", list.Last.Endpoint, list.Last.RequestId, list.Last.AnsweredAt, AwsOperations.RdsDescribeDBInstances));
            }
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.RdsDbInstance));
        }
    }
}
