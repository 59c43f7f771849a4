using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.CloudTrail;

/// <summary>
/// CloudTrail per region: DescribeTrails (shadow trails included, flagged <c>IsShadow</c>), and for every trail
/// GetTrailStatus and GetEventSelectors (basic and advanced), addressed by ARN: a shadow copy carries them too, so
/// it can be judged when its home region is not collected. <c>collectedAt</c> is the time of the last answer
/// (the CloudWatch Logs delivery window is measured from it).
/// </summary>
public sealed class CloudTrailCollector(AwsClients clients, ILogger<CloudTrailCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.cloudtrail", "cloudtrail", false, [AwsKinds.CloudTrailTrail]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        var context = session.In(region);
        AwsAnswer trails;
        try
        {
            trails = await api.JsonAsync(context, AwsOperations.TrailDescribeTrails, new JsonObject { ["includeShadowTrails"] = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.CloudTrailTrail));
            return;
        }

        if (trails.Body["trailList"] is not JsonArray trailList)
        {
            result.Errors.Add(new CollectionError([AwsKinds.CloudTrailTrail], region, null, AwsApiException.MalformedResponse, "DescribeTrails answered without a trailList", AwsOperations.TrailDescribeTrails.Name));
            return;
        }

        await ForEachAsync(trailList.OfType<JsonObject>(), result, async (trail, part, token) =>
        {
            var arn = trail["TrailARN"]?.GetValue<string>();
            if (arn is null)
            {
                part.Errors.Add(new CollectionError([AwsKinds.CloudTrailTrail], region, null, AwsApiException.MalformedResponse, "DescribeTrails returned a trail without a TrailARN", AwsOperations.TrailDescribeTrails.Name));
                return;
            }

            var home = trail["HomeRegion"]?.GetValue<string>();
            var shadow = home is not null && !string.Equals(home, region, StringComparison.Ordinal);
            var payload = new JsonObject { ["Trail"] = trail.DeepClone(), ["IsShadow"] = shadow };
            var at = trails.AnsweredAt;
            {
                payload["Status"] = await SectionAsync(async () =>
                {
                    var status = await api.JsonAsync(context, AwsOperations.TrailGetTrailStatus, new JsonObject { ["Name"] = arn }, token).ConfigureAwait(false);
                    at = status.AnsweredAt;
                    return status.Body;
                }).ConfigureAwait(false);
                payload["EventSelectors"] = await SectionAsync(async () =>
                {
                    var selectors = await api.JsonAsync(context, AwsOperations.TrailGetEventSelectors, new JsonObject { ["TrailName"] = arn }, token).ConfigureAwait(false);
                    at = selectors.AnsweredAt;
                    return selectors.Body;
                }).ConfigureAwait(false);
            }

            payload["collectedAt"] = AwsJson.Time(at);

            part.Records.Add(Record(AwsKinds.CloudTrailTrail, arn, region, payload, "cloudtrail", trails.Endpoint, trails.RequestId, at, AwsOperations.TrailDescribeTrails, AwsOperations.TrailGetTrailStatus, AwsOperations.TrailGetEventSelectors));
        }, cancellationToken).ConfigureAwait(false);
    }
}
