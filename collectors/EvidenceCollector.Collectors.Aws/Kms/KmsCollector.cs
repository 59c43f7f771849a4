using System.Text.Json.Nodes;
using Amazon.KeyManagementService.Model;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Kms;

/// <summary>KMS per region: ListKeys, DescribeKey per key, GetKeyRotationStatus for enabled customer-managed symmetric keys.</summary>
public sealed class KmsCollector(AwsClients clients, ILogger<KmsCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.kms", "kms", false, [AwsKinds.KmsKey]);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        using var client = Clients.Kms(session.Credentials, region);
        var keys = new List<KeyListEntry>();
        SdkAnswer<ListKeysResponse> list;
        try
        {
            string? marker = null;
            do
            {
                var request = new ListKeysRequest { Marker = marker };
                list = await Clients.CallAsync(AwsOperations.KmsListKeys, AwsService.Kms, region, ct => client.ListKeysAsync(request, ct), cancellationToken).ConfigureAwait(false);
                keys.AddRange(list.Response.Keys ?? []);
                marker = list.Response.Truncated != true ? null
                    : string.IsNullOrEmpty(list.Response.NextMarker) || list.Response.NextMarker == marker
                        ? throw new AwsApiException(AwsOperations.KmsListKeys, AwsApiException.MalformedResponse, "a truncated answer without a new NextMarker", null, list.RequestId)
                        : list.Response.NextMarker;
            }
            while (marker is not null);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.KmsKey));
            return;
        }

        await ForEachAsync(keys, result, async (key, part, token) =>
        {
            var arn = key.KeyArn ?? $"arn:aws:kms:{region}:{session.AccountId}:key/{key.KeyId}";
            var payload = new JsonObject { ["KeyId"] = key.KeyId, ["KeyArn"] = arn };
            var at = list.AnsweredAt;
            KeyMetadata? metadata = null;
            try
            {
                var described = await Clients.CallAsync(AwsOperations.KmsDescribeKey, AwsService.Kms, region, ct => client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }, ct), token).ConfigureAwait(false);
                metadata = described.Response.KeyMetadata;
                at = described.AnsweredAt;
                payload["KeyMetadata"] = AwsJson.ToNode(metadata);
            }
            catch (AwsApiException e)
            {
                payload["KeyMetadata"] = AwsJson.SectionError(e);
            }

            if (metadata is not null && metadata.KeyManager?.Value == "CUSTOMER" && metadata.KeySpec?.Value == "SYMMETRIC_DEFAULT" && metadata.KeyState?.Value == "Enabled")
            {
                try
                {
                    var rotation = await Clients.CallAsync(AwsOperations.KmsGetKeyRotationStatus, AwsService.Kms, region, ct => client.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId }, ct), token).ConfigureAwait(false);
                    at = rotation.AnsweredAt;
                    payload["Rotation"] = new JsonObject { ["KeyRotationEnabled"] = rotation.Response.KeyRotationEnabled, ["RotationPeriodInDays"] = rotation.Response.RotationPeriodInDays };
                }
                catch (AwsApiException e)
                {
                    payload["Rotation"] = AwsJson.SectionError(e);
                }
            }

            part.Records.Add(Record(AwsKinds.KmsKey, arn, region, payload, "kms", list.Endpoint, list.Response.ResponseMetadata?.RequestId, at,
                AwsOperations.KmsListKeys, AwsOperations.KmsDescribeKey, AwsOperations.KmsGetKeyRotationStatus));
        }, cancellationToken).ConfigureAwait(false);
    }
}
