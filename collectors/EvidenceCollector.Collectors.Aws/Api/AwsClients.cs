using System.Net;
using Amazon;
using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using EvidenceCollector.Collectors.Common;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>A successful SDK call: its response, request id, endpoint and answer time.</summary>
public sealed record SdkAnswer<T>(T Response, string? RequestId, Uri Endpoint, DateTimeOffset AnsweredAt);

/// <summary>
/// Makes the SDK clients (S3, KMS, EC2, STS) with the same endpoint resolution and retry numbers as the
/// signed client, and runs SDK calls so that every failure surfaces as an <see cref="AwsApiException"/>
/// naming its <see cref="AwsOperation"/>.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private readonly RetryOptions _retry;

    private readonly LimitedHttpClientFactory _http;

    static AwsClients()
    {
        Amazon.Runtime.Internal.RuntimePipelineCustomizerRegistry.Instance.Register(new WithoutSdkMetrics());
    }

    /// <param name="http">The AWS send path, shared with <paramref name="api"/>.</param>
    public AwsClients(AwsApiClient api, LimitedHttpClientFactory http, AwsEndpoints endpoints, IOptions<AwsOptions> options, TimeProvider time)
    {
        _http = http;
        Api = api;
        Endpoints = endpoints;
        Options = options.Value;
        _retry = options.Value.Retry;
        Time = time;
        ResourceSlots = new ResourceSlots(Options.MaxResourcesInFlight);
    }

    /// <summary>
    /// Resources being worked on at once across every collector and account (<see cref="AwsOptions.MaxResourcesInFlight"/>).
    /// With many collectors running, their per-collector <see cref="AwsOptions.ResourceConcurrency"/> adds up to far
    /// more resources than there are call slots; the surplus would only wait for a slot while holding its
    /// half-built evidence.
    /// </summary>
    public ResourceSlots ResourceSlots { get; }

    public AwsApiClient Api { get; }

    public void Dispose() => ResourceSlots.Dispose();

    public AwsEndpoints Endpoints { get; }

    public AwsOptions Options { get; }

    public TimeProvider Time { get; }

    public AmazonS3Client S3(AWSCredentials credentials, string region)
    {
        var config = new AmazonS3Config();
        Configure(config, AwsService.S3, region);
        if (config.ServiceURL is not null)
        {
            config.ForcePathStyle = true;
        }

        return new AmazonS3Client(credentials, config);
    }

    public AmazonKeyManagementServiceClient Kms(AWSCredentials credentials, string region)
    {
        var config = new AmazonKeyManagementServiceConfig();
        Configure(config, AwsService.Kms, region);
        return new AmazonKeyManagementServiceClient(credentials, config);
    }

    public AmazonEC2Client Ec2(AWSCredentials credentials, string region)
    {
        var config = new AmazonEC2Config();
        Configure(config, AwsService.Ec2, region);
        return new AmazonEC2Client(credentials, config);
    }

    public AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials, string region)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, AwsService.Sts, region);
        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    /// <summary>Runs one SDK call within the total time cap; AWS and transport failures become <see cref="AwsApiException"/>.</summary>
    public async Task<SdkAnswer<T>> CallAsync<T>(AwsOperation operation, AwsService service, string region, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : AmazonWebServiceResponse
    {
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(_retry.TotalTimeout);
        var endpoint = Endpoints.Resolve(service, region);
        try
        {
            // The limiter is held per HTTP attempt inside the SDK's pipeline (LimitedHttpClientFactory).
            var response = await call(cap.Token).ConfigureAwait(false);

            return new SdkAnswer<T>(response, response.ResponseMetadata?.RequestId, endpoint, Time.GetUtcNow());
        }
        catch (AmazonServiceException e)
        {
            var code = e.ErrorCode is { Length: > 0 } c ? c
                : e is AmazonUnmarshallingException ? AwsApiException.MalformedResponse
                : (int)e.StatusCode >= 500 ? "InternalFailure" : $"Http{(int)e.StatusCode}";
            var status = e.StatusCode == 0 ? (HttpStatusCode?)null : e.StatusCode;
            throw new AwsApiException(operation, code, string.IsNullOrEmpty(e.Message) ? code : e.Message, status, e.RequestId, e);
        }
        catch (AmazonClientException e)
        {
            throw new AwsApiException(operation, AwsApiException.TransportError, e.Message, null, null, e);
        }
        catch (HttpRequestException e)
        {
            throw new AwsApiException(operation, AwsApiException.TransportError, e.Message, null, null, e);
        }
        catch (TimeoutException e)
        {
            // The SDK's answer when its last attempt ran out of Aws:Retry:AttemptTimeout.
            throw new AwsApiException(operation, "RequestTimeout", $"no answer within the attempt timeout of {_retry.AttemptTimeout} ({e.Message})", null, null, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AwsApiException(operation, "RequestTimeout", $"no answer within {_retry.TotalTimeout}", null, null, e);
        }
    }

    private void Configure(ClientConfig config, AwsService service, string region)
    {
        var signingRegion = service.SigningRegion(region);
        if (Endpoints.Configured(service) is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = signingRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(signingRegion);
        }

        AwsRetry.Apply(config, _retry);
        config.HttpClientFactory = _http;
    }
}

/// <summary>
/// Takes the SDK's metrics handler out of the SDK clients' pipelines. It feeds the SDK's own telemetry, which
/// the collector does not use (it records its own provenance), and on every error it formats the exception's
/// stack trace into a span attribute: S3 answers every absent bucket setting with an error, so that formatting
/// cost seconds of CPU and gigabytes of allocation in a large scan. Retries, signing, endpoints and error
/// unmarshalling are other handlers and stay as they are.
/// </summary>
internal sealed class WithoutSdkMetrics : Amazon.Runtime.Internal.IRuntimePipelineCustomizer
{
    public string UniqueName => "EvidenceCollector.WithoutSdkMetrics";

    public void Customize(Type type, Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        if (pipeline.Handlers.Any(h => h is Amazon.Runtime.Internal.MetricsHandler))
        {
            pipeline.RemoveHandler<Amazon.Runtime.Internal.MetricsHandler>();
        }
    }
}
