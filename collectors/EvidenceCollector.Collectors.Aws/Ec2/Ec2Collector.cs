using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Ec2;

/// <summary>
/// EC2/VPC per region: EBS encryption by default (id <c>arn:aws:ec2:&lt;region&gt;:&lt;account&gt;:ebs-encryption-by-default</c>),
/// volumes, security groups, and VPCs each with the flow logs attached to it.
/// </summary>
public sealed class Ec2Collector(AwsClients clients, ILogger<Ec2Collector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.ec2", "ec2", false,
        [AwsKinds.Ec2EbsEncryptionDefault, AwsKinds.Ec2Volume, AwsKinds.Ec2SecurityGroup, AwsKinds.Ec2Vpc]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        using var client = Clients.Ec2(session.Credentials, region);
        var account = session.AccountId;

        await AllAsync(
            result,
            r => EbsDefaultAsync(client, account, region, r, cancellationToken),
            r => PagedAsync<DescribeVolumesResponse, Volume>(AwsOperations.Ec2DescribeVolumes, region, AwsKinds.Ec2Volume, r,
                (token, ct) => client.DescribeVolumesAsync(new DescribeVolumesRequest { NextToken = token }, ct), x => (x.Volumes, x.NextToken),
                v => $"arn:aws:ec2:{region}:{account}:volume/{v.VolumeId}", v => AwsJson.ToObject(v), cancellationToken),
            r => PagedAsync<DescribeSecurityGroupsResponse, SecurityGroup>(AwsOperations.Ec2DescribeSecurityGroups, region, AwsKinds.Ec2SecurityGroup, r,
                (token, ct) => client.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { NextToken = token }, ct), x => (x.SecurityGroups, x.NextToken),
                g => g.SecurityGroupArn ?? $"arn:aws:ec2:{region}:{g.OwnerId ?? account}:security-group/{g.GroupId}", g => AwsJson.ToObject(g), cancellationToken),
            r => VpcsAsync(client, account, region, r, cancellationToken)).ConfigureAwait(false);
    }

    private async Task EbsDefaultAsync(AmazonEC2Client client, string account, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        try
        {
            var ebs = await Clients.CallAsync(AwsOperations.Ec2GetEbsEncryptionByDefault, AwsService.Ec2, region, ct => client.GetEbsEncryptionByDefaultAsync(new GetEbsEncryptionByDefaultRequest(), ct), cancellationToken).ConfigureAwait(false);
            var payload = new JsonObject { ["EbsEncryptionByDefault"] = ebs.Response.EbsEncryptionByDefault, ["SseType"] = ebs.Response.SseType?.Value };
            result.Records.Add(Record(AwsKinds.Ec2EbsEncryptionDefault, AwsArn.RegionalSetting("ec2", region, account, "ebs-encryption-by-default"), region, payload, "ec2", ebs.Endpoint, ebs.RequestId, ebs.AnsweredAt, AwsOperations.Ec2GetEbsEncryptionByDefault));
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.Ec2EbsEncryptionDefault));
        }
    }

    private async Task VpcsAsync(AmazonEC2Client client, string account, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        JsonObject? flowLogsError = null;
        var flowLogs = new List<FlowLog>();
        try
        {
            string? token = null;
            do
            {
                var page = await Clients.CallAsync(AwsOperations.Ec2DescribeFlowLogs, AwsService.Ec2, region, ct => client.DescribeFlowLogsAsync(new DescribeFlowLogsRequest { NextToken = token }, ct), cancellationToken).ConfigureAwait(false);
                flowLogs.AddRange(page.Response.FlowLogs ?? []);
                token = NextToken(AwsOperations.Ec2DescribeFlowLogs, page.Response.NextToken, token);
            }
            while (token is not null);
        }
        catch (AwsApiException e)
        {
            flowLogsError = AwsJson.SectionError(e);
        }

        await PagedAsync<DescribeVpcsResponse, Vpc>(AwsOperations.Ec2DescribeVpcs, region, AwsKinds.Ec2Vpc, result,
            (token, ct) => client.DescribeVpcsAsync(new DescribeVpcsRequest { NextToken = token }, ct), r => (r.Vpcs, r.NextToken),
            v => $"arn:aws:ec2:{region}:{v.OwnerId ?? account}:vpc/{v.VpcId}",
            v =>
            {
                var payload = new JsonObject { ["Vpc"] = AwsJson.ToNode(v) };
                payload["FlowLogs"] = flowLogsError is not null
                    ? flowLogsError.DeepClone()
                    : new JsonObject { ["FlowLogs"] = AwsJson.ToNode(flowLogs.Where(f => f.ResourceId == v.VpcId).ToList()) };
                return payload;
            },
            cancellationToken, AwsOperations.Ec2DescribeFlowLogs).ConfigureAwait(false);
    }

    private async Task PagedAsync<TResponse, TItem>(
        AwsOperation operation,
        string region,
        string kind,
        CollectionResult result,
        Func<string?, CancellationToken, Task<TResponse>> call,
        Func<TResponse, (List<TItem>? Items, string? Next)> page,
        Func<TItem, string> arn,
        Func<TItem, JsonObject> payload,
        CancellationToken cancellationToken,
        params AwsOperation[] extra)
        where TResponse : Amazon.Runtime.AmazonWebServiceResponse
    {
        // Records leave page by page (each with the answer that carried it), so a large region never sits
        // in memory whole; a page that fails after others is a collection error for the kind in the region.
        try
        {
            string? token = null;
            do
            {
                var current = token;
                await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                var answer = await Clients.CallAsync(operation, AwsService.Ec2, region, ct => call(current, ct), cancellationToken).ConfigureAwait(false);
                var (pageItems, next) = page(answer.Response);
                foreach (var item in pageItems ?? [])
                {
                    result.Records.Add(Record(kind, arn(item), region, payload(item), "ec2", answer.Endpoint, answer.RequestId, answer.AnsweredAt, [operation, .. extra]));
                }

                token = NextToken(operation, next, token);
            }
            while (token is not null);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, kind));
        }
    }

    /// <summary>The next page token; a token repeated by the service is a malformed answer (a truncated list must not pass as complete).</summary>
    private static string? NextToken(AwsOperation operation, string? next, string? previous) =>
        string.IsNullOrEmpty(next) ? null
        : next == previous ? throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the service repeated its page token", null, null)
        : next;
}
