using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Logs;

/// <summary>CloudWatch Logs per region: DescribeLogGroups, one record per log group (id: its ARN without the trailing <c>:*</c>), streamed page by page;
/// a failed page errors the kind in the region (the groups already read stay as evidence).</summary>
public sealed class LogsCollector(AwsClients clients, ILogger<LogsCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.logs", "logs", false, [AwsKinds.LogsLogGroup]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        try
        {
            // Page by page, each page handed on before the next is asked for (a region can hold many groups).
            await Clients.Api.JsonPagesAsync(session.In(region), AwsOperations.LogsDescribeLogGroups, null, "logGroups", "nextToken", async (items, page) =>
            {
                await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                foreach (var group in items.OfType<JsonObject>())
                {
                    var name = group["logGroupName"]?.GetValue<string>();
                    var arn = group["arn"]?.GetValue<string>() ?? $"arn:aws:logs:{region}:{session.AccountId}:log-group:{name}";
                    if (arn.EndsWith(":*", StringComparison.Ordinal))
                    {
                        arn = arn[..^2];
                    }

                    result.Records.Add(Record(AwsKinds.LogsLogGroup, arn, region, group, "logs", page.Endpoint, page.RequestId, page.AnsweredAt, AwsOperations.LogsDescribeLogGroups));
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.LogsLogGroup));
        }
    }
}
