using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Polly;
using EvidenceCollector.Collectors.Common;
using RetryOptions = EvidenceCollector.Collectors.Common.RetryOptions;
using RetryPolicy = EvidenceCollector.Collectors.Common.RetryPolicy;

namespace EvidenceCollector.Collectors.Azure.Api;

/// <summary>One ARM answer as evidence needs it: the JSON body and where it came from.</summary>
/// <param name="Operation">What was asked, e.g. <c>GET /subscriptions/{id}/providers/Microsoft.Storage/storageAccounts</c> (the path, no query).</param>
public sealed record ArmAnswer(JsonElement Body, int Status, string Operation, string ApiVersion, string? RequestId, string? CorrelationId, DateTimeOffset AnsweredAt);

/// <summary>
/// An ARM request that did not give a usable answer: the ARM error body's code and message
/// (<c>{"error": {"code", "message"}}</c>, or the older top-level shape), <c>MalformedResponse</c> for an answer that
/// is not the JSON it should be, <c>PagingLoop</c> for a <c>nextLink</c> already followed, <c>ForeignNextLink</c> for one
/// that leaves the Resource Manager endpoint. <see cref="RetryAfter"/> is what a 429 or 503 asked for.
/// </summary>
public sealed class ArmException(int status, string code, string message, string? requestId, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"{code}: {message}", inner)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string ArmMessage { get; } = message;

    public string? RequestId { get; } = requestId;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth another attempt: throttling (429) and server errors (5xx except 501), and a failed connection (status 0).</summary>
    public bool IsTransient => Status is 0 or 429 or (>= 500 and not 501);
}

/// <summary>
/// The one helper every Azure collector reads ARM through: GETs and the Policy Insights query POSTs with an explicit
/// <c>api-version</c> per resource type, over the Azure.Core pipeline that <see cref="ArmClient"/> builds from
/// <see cref="ArmClientOptions"/> (bearer token for the Resource Manager audience, the shared send path as transport,
/// Azure.Core's own retries off). Retries are the shared policy's (<see cref="RetryPolicy"/>): 429 with its
/// <c>Retry-After</c>, 5xx and failed connections, classified here. Lists follow <c>nextLink</c> and
/// <c>@odata.nextLink</c>; a link already followed, or one to another host (the bearer token must not leave the
/// endpoint), is an error, never an endless or leaking walk.
/// </summary>
public sealed class ArmReader(HttpPipeline pipeline, Uri endpoint, RetryOptions retry, TimeProvider time)
{
    private readonly ResiliencePipeline _retry = RetryPolicy.Create(retry, time, e => e is ArmException { IsTransient: true }, e => (e as ArmException)?.RetryAfter);

    /// <summary>
    /// A reader over <paramref name="transport"/> (the shared send path's client): the pipeline of an
    /// <see cref="ArmClient"/> for <paramref name="endpoint"/> and <paramref name="audience"/>, with no retries of its own.
    /// </summary>
    public static ArmReader Create(TokenCredential credential, Uri endpoint, string audience, HttpClient transport, RetryOptions retry, TimeProvider time)
    {
        var options = new ArmClientOptions { Transport = new HttpClientTransport(transport) };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = Timeout.InfiniteTimeSpan;
        options.Diagnostics.IsLoggingContentEnabled = false;
        options.Diagnostics.IsLoggingEnabled = false;
        var scope = audience.TrimEnd('/') + "/.default";
        return new ArmReader(HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, scope)), endpoint, retry, time);
    }

    public Task<ArmAnswer> GetAsync(string path, string apiVersion, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Get, Address(path, apiVersion), path, apiVersion, null, cancellationToken);

    /// <summary>A query POST (Policy Insights <c>summarize</c>, <c>queryResults</c>) with an optional JSON body.</summary>
    public Task<ArmAnswer> PostAsync(string path, string apiVersion, string? jsonBody, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Post, Address(path, apiVersion), path, apiVersion, jsonBody, cancellationToken);

    /// <summary>Every page of a list, in order, following <c>nextLink</c> / <c>@odata.nextLink</c> until there is none.</summary>
    public IAsyncEnumerable<ArmAnswer> PagesAsync(string path, string apiVersion, CancellationToken cancellationToken) =>
        PagesAsync(RequestMethod.Get, path, apiVersion, null, cancellationToken);

    /// <summary>Every page of a query POST (Policy Insights <c>queryResults</c>): each <c>@odata.nextLink</c> is POSTed in turn.</summary>
    public IAsyncEnumerable<ArmAnswer> PostPagesAsync(string path, string apiVersion, string? jsonBody, CancellationToken cancellationToken) =>
        PagesAsync(RequestMethod.Post, path, apiVersion, jsonBody, cancellationToken);

    private async IAsyncEnumerable<ArmAnswer> PagesAsync(RequestMethod method, string path, string apiVersion, string? jsonBody, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var followed = new HashSet<string>(StringComparer.Ordinal);
        var address = Address(path, apiVersion);
        while (true)
        {
            var page = await SendAsync(method, address, path, apiVersion, jsonBody, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (NextLink(page.Body) is not { } next)
            {
                yield break;
            }

            if (!Uri.TryCreate(next, UriKind.Absolute, out var link))
            {
                throw new ArmException(page.Status, "MalformedResponse", $"nextLink '{next}' of {path} is not an absolute URL", page.RequestId);
            }

            if (!string.Equals(link.Scheme, endpoint.Scheme, StringComparison.OrdinalIgnoreCase) || !string.Equals(link.Authority, endpoint.Authority, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmException(page.Status, "ForeignNextLink", $"nextLink of {path} leaves {endpoint.Authority} for {link.Authority}; not followed", page.RequestId);
            }

            if (!followed.Add(link.AbsoluteUri) || link.AbsoluteUri == address.AbsoluteUri)
            {
                throw new ArmException(page.Status, "PagingLoop", $"nextLink of {path} repeats a page already read ({link.PathAndQuery}); the list is incomplete", page.RequestId);
            }

            address = link;
        }
    }

    /// <summary>The throttle signal of an ARM answer, for the shared send path's adaptive rate limiting.</summary>
    public static ValueTask<bool> IsThrottledAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult((int)response.StatusCode == 429);

    /// <summary>
    /// The lane of an ARM request: the token's principal (<c>oid</c>, else <c>appid</c>), the subscription in the path
    /// and the resource provider namespace (the last <c>providers/&lt;namespace&gt;</c> segment; subscription-level
    /// reads are <c>Microsoft.Resources</c>). Null for a request without a bearer token.
    /// </summary>
    public static RateLane? LaneOf(HttpRequestMessage request)
    {
        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: { } token } || request.RequestUri is not { } uri)
        {
            return null;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var subscription = "tenant";
        var provider = "Microsoft.Resources";
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) && subscription == "tenant")
            {
                subscription = segments[i + 1].ToLowerInvariant();
            }
            else if (segments[i].Equals("providers", StringComparison.OrdinalIgnoreCase))
            {
                provider = segments[i + 1];
            }
        }

        return new RateLane(Principal(token), subscription, provider);
    }

    /// <summary>The principal a bearer token names (read, not validated: it only keys a lane); "unknown" when it names none.</summary>
    internal static string Principal(string token)
    {
        var parts = token.Split('.');
        if (parts.Length < 2)
        {
            return "unknown";
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
            foreach (var name in (string[])["oid", "appid", "sub"])
            {
                if (claims.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString()!;
                }
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        return "unknown";
    }

    private Uri Address(string path, string apiVersion)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new Uri(endpoint, $"{path}{separator}api-version={Uri.EscapeDataString(apiVersion)}");
    }

    private async Task<ArmAnswer> SendAsync(RequestMethod method, Uri address, string path, string apiVersion, string? jsonBody, CancellationToken cancellationToken)
    {
        var operation = $"{method} {path.Split('?')[0]}";
        return await _retry.ExecuteAsync(async ct =>
        {
            using var message = pipeline.CreateMessage();
            message.Request.Method = method;
            message.Request.Uri.Reset(address);
            message.Request.Headers.Add("Accept", "application/json");
            if (jsonBody is not null)
            {
                message.Request.Headers.Add("Content-Type", "application/json");
                message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(jsonBody));
            }

            try
            {
                await pipeline.SendAsync(message, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                throw new ArmException(e.Status, e.ErrorCode ?? e.InnerException?.GetType().Name ?? "RequestFailed", e.Message, null, null, e);
            }
            catch (HttpRequestException e)
            {
                throw new ArmException(0, nameof(HttpRequestException), e.Message, null, null, e);
            }

            var response = message.Response;
            var requestId = Header(response, "x-ms-request-id");
            // Read here, whatever the pipeline buffered: the shared send path already holds the answer in memory.
            var content = response.ContentStream is { } stream ? await BinaryData.FromStreamAsync(stream, ct).ConfigureAwait(false) : BinaryData.Empty;
            if (response.Status is < 200 or >= 300)
            {
                var (code, text) = ErrorOf(content, response.Status);
                throw new ArmException(response.Status, code, text, requestId, RetryAfter(response));
            }

            JsonElement body;
            try
            {
                using var document = JsonDocument.Parse(content.ToMemory());
                body = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ArmException(response.Status, "MalformedResponse", $"{operation} answered {response.Status} with a body that is not JSON: {e.Message}", requestId, null, e);
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                throw new ArmException(response.Status, "MalformedResponse", $"{operation} answered {response.Status} with JSON that is not an object", requestId);
            }

            return new ArmAnswer(body, response.Status, operation, apiVersion, requestId, Header(response, "x-ms-correlation-request-id"), time.GetUtcNow());
        }, cancellationToken).ConfigureAwait(false);
    }

    private static string? NextLink(JsonElement body)
    {
        foreach (var name in (string[])["nextLink", "@odata.nextLink"])
        {
            if (body.TryGetProperty(name, out var link) && link.ValueKind == JsonValueKind.String && link.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>The code and message of an ARM error body; the status and a note when the body is not one.</summary>
    internal static (string Code, string Message) ErrorOf(BinaryData content, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("odata.error", out var o) && o.ValueKind == JsonValueKind.Object ? o
                : root;
            var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.ValueKind == JsonValueKind.String ? m.GetString() : m.ToString() : null;
            if (code is not null)
            {
                return (code, message ?? string.Empty);
            }
        }
        catch (JsonException)
        {
        }

        var text = content.ToString();
        return ($"Http{status}", text.Length > 200 ? text[..200] + "…" : text);
    }

    private TimeSpan? RetryAfter(Response response)
    {
        if (Header(response, "retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (Header(response, "Retry-After") is not { } value)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero
            : null;
    }

    private static string? Header(Response response, string name) => response.Headers.TryGetValue(name, out var value) ? value : null;
}
