using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.S3;

/// <summary>
/// S3 (global): ListBuckets, then per bucket its region and the settings the checks judge (default encryption,
/// public access block, ACL, versioning, server access logging, policy, object lock), each a payload section.
/// The four settings that are often absent (encryption, public access block, policy, object lock) are read by the
/// signed client as S3 answers them on the wire (REST-XML, the policy as its text), and their "not configured"
/// answers become <c>{"Configured": false, "Code": ...}</c> without an exception; ACL, versioning and logging come
/// from the SDK client. Plus the account's public access block from S3 Control.
/// </summary>
public sealed class S3Collector(AwsClients clients, ILogger<S3Collector> logger) : AwsCollectorBase(clients, logger)
{
    /// <summary>Buckets asked for per ListBuckets page (AWS answers up to 10 000).</summary>
    internal const int ListBucketsPageSize = 1000;

    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.s3", "s3", true, [AwsKinds.S3Bucket, AwsKinds.S3AccountPublicAccessBlock]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        await AccountPublicAccessBlockAsync(session, result, cancellationToken).ConfigureAwait(false);
        await BucketsAsync(session, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task AccountPublicAccessBlockAsync(AwsSession session, CollectionResult result, CancellationToken cancellationToken)
    {
        var op = AwsOperations.S3ControlGetPublicAccessBlock;
        var home = Clients.Options.HomeRegion;
        try
        {
            var answer = await Clients.Api.RestXmlGetAsync(session.In(home), op, "/v20180820/configuration/publicAccessBlock", cancellationToken).ConfigureAwait(false);
            var payload = new JsonObject { ["Configured"] = true, ["PublicAccessBlockConfiguration"] = answer.Body["PublicAccessBlockConfiguration"]?.DeepClone() };
            result.Records.Add(Record(AwsKinds.S3AccountPublicAccessBlock, AwsArn.AccountRoot(session.AccountId), Global, payload, "s3control", answer.Endpoint, answer.RequestId, answer.AnsweredAt, op));
        }
        catch (AwsApiException e) when (e.Code == "NoSuchPublicAccessBlockConfiguration")
        {
            var payload = new JsonObject { ["Configured"] = false };
            result.Records.Add(Record(AwsKinds.S3AccountPublicAccessBlock, AwsArn.AccountRoot(session.AccountId), Global, payload, "s3control", Clients.Endpoints.Resolve(AwsService.S3Control, home), e.RequestId, Clients.Time.GetUtcNow(), op));
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.S3AccountPublicAccessBlock));
        }
    }

    private async Task BucketsAsync(AwsSession session, CollectionResult result, CancellationToken cancellationToken)
    {
        var home = Clients.Options.HomeRegion;
        using var client = Clients.S3(session.Credentials, home);
        var buckets = new List<S3Bucket>();
        SdkAnswer<ListBucketsResponse> last;
        try
        {
            string? token = null;
            do
            {
                // Paginated, as AWS recommends (the unpaginated form only serves accounts at the default bucket
                // quota); a paginated answer also carries each bucket's region.
                var request = new ListBucketsRequest { MaxBuckets = ListBucketsPageSize, ContinuationToken = token };
                last = await Clients.CallAsync(AwsOperations.S3ListBuckets, AwsService.S3, home, ct => client.ListBucketsAsync(request, ct), cancellationToken).ConfigureAwait(false);
                buckets.AddRange(last.Response.Buckets ?? []);
                token = string.IsNullOrEmpty(last.Response.ContinuationToken) ? null
                    : last.Response.ContinuationToken == token
                        ? throw new AwsApiException(AwsOperations.S3ListBuckets, AwsApiException.MalformedResponse, "the service repeated its continuation token", null, last.RequestId)
                        : last.Response.ContinuationToken;
            }
            while (token is not null);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.S3Bucket));
            return;
        }

        var regional = new Dictionary<string, AmazonS3Client>(StringComparer.Ordinal);
        try
        {
            await ForEachAsync(buckets, result, (bucket, part, token) => BucketAsync(session, client, regional, bucket, last, part, token), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var c in regional.Values)
            {
                c.Dispose();
            }
        }
    }

    private async Task BucketAsync(AwsSession session, AmazonS3Client homeClient, Dictionary<string, AmazonS3Client> regional, S3Bucket bucket, SdkAnswer<ListBucketsResponse> list, CollectionResult result, CancellationToken cancellationToken)
    {
        var name = bucket.BucketName;
        var home = Clients.Options.HomeRegion;
        var payload = new JsonObject { ["Bucket"] = AwsJson.ToObject(bucket) };
        var at = list.AnsweredAt;
        string region = home;
        string recordRegion = Global;
        var locationOperation = AwsOperations.S3ListBuckets;
        if (!string.IsNullOrEmpty(bucket.BucketRegion))
        {
            // ListBuckets named the bucket's region (it is also in the Bucket section): no GetBucketLocation.
            region = bucket.BucketRegion;
            recordRegion = region;
            payload["Location"] = new JsonObject { ["BucketRegion"] = region, ["Region"] = region };
        }
        else
        {
            locationOperation = AwsOperations.S3GetBucketLocation;
            await LocateAsync().ConfigureAwait(false);
        }

        async Task LocateAsync()
        {
            try
            {
                var location = await Clients.CallAsync(AwsOperations.S3GetBucketLocation, AwsService.S3, home, ct => homeClient.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = name }, ct), cancellationToken).ConfigureAwait(false);
                var constraint = location.Response.Location?.Value;
                region = string.IsNullOrEmpty(constraint) ? "us-east-1" : constraint == "EU" ? "eu-west-1" : constraint;
                recordRegion = region;
                payload["Location"] = new JsonObject { ["LocationConstraint"] = constraint ?? string.Empty, ["Region"] = region };
            }
            catch (AwsApiException e)
            {
                payload["Location"] = AwsJson.SectionError(e);
            }
        }

        AmazonS3Client client;
        lock (regional)
        {
            if (!regional.TryGetValue(region, out client!))
            {
                client = region == home ? homeClient : Clients.S3(session.Credentials, region);
                if (region != home)
                {
                    regional[region] = client;
                }
            }
        }

        async Task<JsonObject> Section<T>(AwsOperation op, Func<CancellationToken, Task<T>> call, Func<T, JsonObject> map)
            where T : AmazonWebServiceResponse
        {
            try
            {
                var answer = await Clients.CallAsync(op, AwsService.S3, region, call, cancellationToken).ConfigureAwait(false);
                at = answer.AnsweredAt;

                // The .NET SDK answers some failures with a 404 status instead of an exception: for ACL, versioning
                // and logging (which have no "not configured" meaning) a 404 is a gap in the evidence.
                return answer.Response.HttpStatusCode == HttpStatusCode.NotFound
                    ? AwsJson.SectionError(new AwsApiException(op, "Http404", $"{op.Name} answered 404 Not Found", HttpStatusCode.NotFound, answer.RequestId))
                    : map(answer.Response);
            }
            catch (AwsApiException e)
            {
                return AwsJson.SectionError(e);
            }
        }

        // Read as S3 answers: an absent setting is a named "not configured" answer, a value rather than an exception.
        async Task<JsonObject> Wire(AwsOperation op, string subresource, string notConfiguredCode, Func<JsonObject, JsonObject> map)
        {
            try
            {
                var answer = await Clients.Api.S3BucketGetAsync(session.In(region), op, name, subresource, [notConfiguredCode], cancellationToken).ConfigureAwait(false);
                at = answer.AnsweredAt;
                return answer.NotConfigured is { } code ? new JsonObject { ["Configured"] = false, ["Code"] = code } : map(answer.Body);
            }
            catch (AwsApiException e)
            {
                return AwsJson.SectionError(e);
            }
        }

        payload["Encryption"] = await Wire(AwsOperations.S3GetBucketEncryption, "encryption", "ServerSideEncryptionConfigurationNotFoundError",
            body => Configured(body, "ServerSideEncryptionConfiguration")).ConfigureAwait(false);
        payload["PublicAccessBlock"] = await Wire(AwsOperations.S3GetPublicAccessBlock, "publicAccessBlock", "NoSuchPublicAccessBlockConfiguration",
            body => Configured(body, "PublicAccessBlockConfiguration")).ConfigureAwait(false);
        payload["Acl"] = await Section(AwsOperations.S3GetBucketAcl, ct => client.GetBucketAclAsync(new GetBucketAclRequest { BucketName = name }, ct),
            r => new JsonObject { ["Owner"] = AwsJson.ToNode(r.Owner), ["Grants"] = AwsJson.ToNode(r.Grants ?? []) }).ConfigureAwait(false);
        payload["Versioning"] = await Section(AwsOperations.S3GetBucketVersioning, ct => client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name }, ct),
            r => AwsJson.ToObject(r.VersioningConfig ?? new S3BucketVersioningConfig())).ConfigureAwait(false);
        payload["Logging"] = await Section(AwsOperations.S3GetBucketLogging, ct => client.GetBucketLoggingAsync(new GetBucketLoggingRequest { BucketName = name }, ct),
            r => AwsJson.ToObject(r.BucketLoggingConfig ?? new S3BucketLoggingConfig())).ConfigureAwait(false);
        payload["Policy"] = await Wire(AwsOperations.S3GetBucketPolicy, "policy", "NoSuchBucketPolicy",
            body => PolicySection(body["Policy"]?.GetValue<string>())).ConfigureAwait(false);
        payload["ObjectLock"] = await Wire(AwsOperations.S3GetObjectLockConfiguration, "object-lock", "ObjectLockConfigurationNotFoundError",
            body => Configured(body, "ObjectLockConfiguration")).ConfigureAwait(false);

        result.Records.Add(Record(AwsKinds.S3Bucket, $"arn:{AwsArn.Partition(home)}:s3:::{name}", recordRegion, payload, "s3", list.Endpoint, list.RequestId, at,
            AwsOperations.S3ListBuckets, locationOperation, AwsOperations.S3GetBucketEncryption, AwsOperations.S3GetPublicAccessBlock, AwsOperations.S3GetBucketAcl,
            AwsOperations.S3GetBucketVersioning, AwsOperations.S3GetBucketLogging, AwsOperations.S3GetBucketPolicy, AwsOperations.S3GetObjectLockConfiguration));
    }

    /// <summary>A configured setting as S3 wrote it: <c>{"Configured": true, root: {...}}</c>; an answer without that root is malformed.</summary>
    private static JsonObject Configured(JsonObject body, string root) =>
        body[root] is JsonObject document
            ? new JsonObject { ["Configured"] = true, [root] = document.DeepClone() }
            : Common.Fanout.ErrorSection(AwsApiException.MalformedResponse, $"the answer has no <{root}> document");

    private static JsonObject PolicySection(string? policy)
    {
        if (string.IsNullOrEmpty(policy))
        {
            return new JsonObject { ["Configured"] = false };
        }

        try
        {
            return new JsonObject { ["Configured"] = true, ["Policy"] = JsonNode.Parse(policy) };
        }
        catch (JsonException e)
        {
            return new JsonObject { ["error"] = new JsonObject { ["code"] = AwsApiException.MalformedResponse, ["message"] = "the bucket policy is not JSON: " + e.Message } };
        }
    }
}
