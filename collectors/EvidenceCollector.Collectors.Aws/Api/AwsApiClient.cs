using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.SecurityToken;
using Polly;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>What one signed call answered: the result as JSON, the request id, where and when.</summary>
public sealed record AwsAnswer(JsonObject Body, string? RequestId, Uri Endpoint, DateTimeOffset AnsweredAt)
{
    /// <summary>
    /// The error code of an expected "not configured" answer (e.g. <c>NoSuchBucketPolicy</c>) when the caller named
    /// it as such: the answer is a value, not an exception; <see cref="Body"/> is then empty.
    /// </summary>
    public string? NotConfigured { get; init; }
}

/// <summary>All items of a paginated list, with the last page's answer (for provenance).</summary>
public sealed record AwsListAnswer(IReadOnlyList<JsonNode?> Items, AwsAnswer Last, int Pages);

/// <summary>Where and as whom to call: credentials plus the region of the target.</summary>
public sealed record AwsCallContext(AWSCredentials Credentials, string Region, string AccountId);

/// <summary>
/// The one signed client for services without an SDK package: AWS Query (IAM, RDS), JSON 1.1 (Config,
/// CloudTrail, Organizations, CloudWatch Logs) and REST-XML (S3 Control). Requests are signed by
/// AWSSDK.Core's <see cref="AWS4Signer"/> over a <see cref="DefaultRequest"/> (re-signed on every retry),
/// transient errors are retried by the <see cref="AwsRetry"/> pipeline, error bodies become
/// <see cref="AwsApiException"/>s, and an answer that cannot be parsed is an error, never an empty success. It sends
/// through the same <see cref="LimitedHttpClientFactory.Client"/> as the SDK clients: one send path, one limiter,
/// one set of rate lanes, one attempt timeout.
/// </summary>
public sealed class AwsApiClient
{
    private static readonly Dictionary<string, AwsService> Services = new[]
    {
        AwsService.Iam, AwsService.Rds, AwsService.Config, AwsService.CloudTrail, AwsService.Organizations, AwsService.Logs, AwsService.S3Control,
    }.ToDictionary(s => s.Key, StringComparer.Ordinal);

    private readonly HttpClient _http;
    private readonly AwsEndpoints _endpoints;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;

    /// <param name="http">The AWS send path (<see cref="LimitedHttpClientFactory.Client"/>); answers arrive read off the wire.</param>
    public AwsApiClient(HttpClient http, AwsEndpoints endpoints, ResiliencePipeline pipeline, TimeProvider time)
    {
        _http = http;
        _endpoints = endpoints;
        _pipeline = pipeline;
        _time = time;
    }

    /// <summary>One AWS Query call; the body is the <c>&lt;OpResult&gt;</c> element as JSON.</summary>
    public Task<AwsAnswer> QueryAsync(AwsCallContext context, AwsOperation operation, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        var service = ServiceOf(operation, AwsProtocol.Query);
        var form = new List<string> { "Action=" + Uri.EscapeDataString(operation.Name), "Version=" + Uri.EscapeDataString(service.ApiVersion!) };
        foreach (var (key, value) in parameters ?? new Dictionary<string, string>())
        {
            form.Add(Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value));
        }

        var body = Encoding.UTF8.GetBytes(string.Join("&", form));
        return SendAsync(context, service, operation, "POST", "/", body, "application/x-www-form-urlencoded; charset=utf-8", null, null, ParseQuery, cancellationToken);
    }

    /// <summary>One JSON 1.1 call (<c>X-Amz-Target: prefix.Operation</c>).</summary>
    public Task<AwsAnswer> JsonAsync(AwsCallContext context, AwsOperation operation, JsonObject? request, CancellationToken cancellationToken)
    {
        var service = ServiceOf(operation, AwsProtocol.Json);
        var body = Encoding.UTF8.GetBytes((request ?? new JsonObject()).ToJsonString());
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = service.TargetPrefix + "." + operation.Name };
        return SendAsync(context, service, operation, "POST", "/", body, "application/x-amz-json-1.1", headers, null, ParseJson, cancellationToken);
    }

    /// <summary>
    /// S3 Control <c>GetPublicAccessBlock</c> (REST-XML). With a custom endpoint no account-id host prefix is
    /// sent (as the SDKs do); the account always travels in <c>x-amz-account-id</c>.
    /// </summary>
    public Task<AwsAnswer> RestXmlGetAsync(AwsCallContext context, AwsOperation operation, string path, CancellationToken cancellationToken)
    {
        var service = ServiceOf(operation, AwsProtocol.RestXml);
        var headers = new Dictionary<string, string> { ["x-amz-account-id"] = context.AccountId };
        return SendAsync(context, service, operation, "GET", path, [], null, headers, context.AccountId, ParseRestXml, cancellationToken);
    }

    /// <summary>
    /// An S3 bucket sub-resource (<c>GET /{bucket}?{subresource}</c>, REST-XML, signing name s3) in the bucket's
    /// region: virtual-hosted on AWS (path style for names with dots), path style on a configured endpoint. An
    /// answer whose error code is one of <paramref name="notConfigured"/> (S3's "not configured" answers, such as
    /// <c>NoSuchBucketPolicy</c>) comes back as an <see cref="AwsAnswer.NotConfigured"/> answer, not as an exception:
    /// a bucket without a policy is the common case, and the SDK raised a chain of some twenty first-chance
    /// exceptions for each. The body is the XML document (as <c>{root: ...}</c>) or, for <c>?policy</c>, the policy
    /// text under <c>Policy</c>.
    /// </summary>
    public Task<AwsAnswer> S3BucketGetAsync(AwsCallContext context, AwsOperation operation, string bucket, string subresource, IReadOnlyCollection<string> notConfigured, CancellationToken cancellationToken)
    {
        var service = AwsService.S3;
        var virtualHosted = _endpoints.Configured(service) is null && !bucket.Contains('.', StringComparison.Ordinal);
        var path = virtualHosted ? "/" : "/" + Uri.EscapeDataString(bucket);
        var parse = subresource == "policy" ? (Func<AwsOperation, Stream, string?, JsonObject>)ParseText : ParseRestXml;
        return SendAsync(context, service, operation, "GET", path, [], null, null, virtualHosted ? bucket : null, parse, cancellationToken, subresource, notConfigured);
    }

    /// <summary>All pages of a Query list (<c>Marker</c> / <c>IsTruncated</c>), items taken from <paramref name="listName"/>.</summary>
    public async Task<AwsListAnswer> QueryListAsync(AwsCallContext context, AwsOperation operation, IReadOnlyDictionary<string, string>? parameters, string listName, CancellationToken cancellationToken)
    {
        var items = new List<JsonNode?>();
        var (last, pages) = await QueryPagesAsync(context, operation, parameters, listName, (page, _) =>
        {
            items.AddRange(page);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return new AwsListAnswer(items, last, pages);
    }

    /// <summary>
    /// A Query list page by page: <paramref name="onPage"/> gets each page's items with the answer that carried
    /// them before the next page is asked for, so a large list never sits in memory whole.
    /// </summary>
    public async Task<(AwsAnswer Last, int Pages)> QueryPagesAsync(AwsCallContext context, AwsOperation operation, IReadOnlyDictionary<string, string>? parameters, string listName, Func<IReadOnlyList<JsonNode?>, AwsAnswer, Task> onPage, CancellationToken cancellationToken)
    {
        var current = new Dictionary<string, string>(parameters ?? new Dictionary<string, string>());
        var pages = 0;
        while (true)
        {
            var answer = await QueryAsync(context, operation, current, cancellationToken).ConfigureAwait(false);
            pages++;
            await onPage(ItemsOf(answer, operation, listName), answer).ConfigureAwait(false);
            var marker = answer.Body["Marker"]?.GetValue<string>();
            var truncated = answer.Body["IsTruncated"]?.GetValue<string>();
            var more = truncated is null ? !string.IsNullOrEmpty(marker) : string.Equals(truncated, "true", StringComparison.OrdinalIgnoreCase);
            if (!more)
            {
                return (answer, pages);
            }

            if (string.IsNullOrEmpty(marker) || current.TryGetValue("Marker", out var previous) && previous == marker)
            {
                throw new AwsApiException(operation, AwsApiException.MalformedResponse, "truncated answer without a new Marker", null, answer.RequestId);
            }

            current["Marker"] = marker;
        }
    }

    /// <summary>All pages of a JSON list (token field <paramref name="tokenName"/>, e.g. <c>NextToken</c> or <c>nextToken</c>).</summary>
    public async Task<AwsListAnswer> JsonListAsync(AwsCallContext context, AwsOperation operation, JsonObject? request, string listName, string tokenName, CancellationToken cancellationToken)
    {
        var items = new List<JsonNode?>();
        var (last, pages) = await JsonPagesAsync(context, operation, request, listName, tokenName, (page, _) =>
        {
            items.AddRange(page);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return new AwsListAnswer(items, last, pages);
    }

    /// <summary>
    /// A JSON list page by page (token field <paramref name="tokenName"/>): <paramref name="onPage"/> gets each
    /// page's items with the answer that carried them before the next page is asked for.
    /// </summary>
    public async Task<(AwsAnswer Last, int Pages)> JsonPagesAsync(AwsCallContext context, AwsOperation operation, JsonObject? request, string listName, string tokenName, Func<IReadOnlyList<JsonNode?>, AwsAnswer, Task> onPage, CancellationToken cancellationToken)
    {
        var current = (JsonObject)(request?.DeepClone() ?? new JsonObject());
        var pages = 0;
        string? previous = null;
        while (true)
        {
            var answer = await JsonAsync(context, operation, current, cancellationToken).ConfigureAwait(false);
            pages++;
            var items = ItemsOf(answer, operation, listName);
            var token = answer.Body[tokenName] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null;
            if (!string.IsNullOrEmpty(token) && token == previous)
            {
                throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the same page token was returned twice", null, answer.RequestId);
            }

            await onPage(items, answer).ConfigureAwait(false);
            if (string.IsNullOrEmpty(token))
            {
                return (answer, pages);
            }

            previous = token;
            current[tokenName] = token;
        }
    }

    /// <summary>
    /// The items of a list answer, moved out of it (the answer's list is left empty): each item is a node of its
    /// own that the caller may put into a payload as it is, without a copy.
    /// </summary>
    private static List<JsonNode?> ItemsOf(AwsAnswer answer, AwsOperation operation, string listName)
    {
        // An absent list is a malformed answer, not an empty one: "nothing found" must be what AWS said.
        if (!answer.Body.ContainsKey(listName))
        {
            throw new AwsApiException(operation, AwsApiException.MalformedResponse, $"the answer has no {listName} list", null, answer.RequestId);
        }

        return answer.Body[listName] switch
        {
            JsonArray array => Detach(array),
            null => [],

            // Query lists whose items are not <member> (RDS: <DBInstances><DBInstance>..</DBInstance></DBInstances>).
            JsonObject wrapper when wrapper.Count == 1 => wrapper.Single().Value switch
            {
                JsonArray inner => Detach(inner),
                JsonObject single => [single.DeepClone()],
                _ => throw new AwsApiException(operation, AwsApiException.MalformedResponse, $"'{listName}' is not a list", null, answer.RequestId),
            },
            JsonValue v when v.TryGetValue<string>(out var s) && s.Length == 0 => [],
            _ => throw new AwsApiException(operation, AwsApiException.MalformedResponse, $"'{listName}' is not a list", null, answer.RequestId),
        };

        static List<JsonNode?> Detach(JsonArray array)
        {
            var items = new List<JsonNode?>(array);
            array.Clear();
            return items;
        }
    }

    private static AwsService ServiceOf(AwsOperation operation, AwsProtocol protocol)
    {
        if (!Services.TryGetValue(operation.Service, out var service) || service.Protocol != protocol)
        {
            throw new ArgumentException($"{operation} is not a {protocol} operation of the signed client", nameof(operation));
        }

        return service;
    }

    private async Task<AwsAnswer> SendAsync(
        AwsCallContext context,
        AwsService service,
        AwsOperation operation,
        string method,
        string path,
        byte[] body,
        string? contentType,
        IReadOnlyDictionary<string, string>? headers,
        string? accountHostPrefix,
        Func<AwsOperation, Stream, string?, JsonObject> parse,
        CancellationToken cancellationToken,
        string? subresource = null,
        IReadOnlyCollection<string>? notConfigured = null)
    {
        var configured = _endpoints.Configured(service);
        var baseUri = configured ?? HostFor(service, context.Region, accountHostPrefix);
        var signingRegion = service.SigningRegion(context.Region);
        return await _pipeline.ExecuteAsync(
            async token =>
            {
                var immutable = await context.Credentials.GetCredentialsAsync().ConfigureAwait(false);
                using var message = BuildSigned(baseUri, method, path, body, contentType, headers, service.SigningName, signingRegion, immutable, null, subresource);
                HttpResponseMessage response;
                try
                {
                    // The send path takes the lane's turn, holds the call slot and reads the answer off the wire
                    // into pooled segments, within the attempt timeout.
                    response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    throw new AwsApiException(operation, AwsApiException.TransportError, e.Message, null, null, e);
                }
                catch (TaskCanceledException e) when (!token.IsCancellationRequested)
                {
                    throw new AwsApiException(operation, "RequestTimeout", "the HTTP attempt timed out", null, null, e);
                }

                using (response)
                {
                    var requestId = HeaderRequestId(response);
                    if (!response.IsSuccessStatusCode)
                    {
                        var text = await TextAsync(response.Content, token).ConfigureAwait(false);
                        var (code, message2, id) = ReadError(response, text, requestId);
                        if (notConfigured is not null && notConfigured.Contains(code))
                        {
                            return new AwsAnswer(new JsonObject(), id, baseUri, _time.GetUtcNow()) { NotConfigured = code };
                        }

                        throw new AwsApiException(operation, code, message2, response.StatusCode, id);
                    }

                    using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                    var parsed = parse(operation, stream, requestId);
                    requestId ??= parsed["__requestId"]?.GetValue<string>();
                    parsed.Remove("__requestId");
                    return new AwsAnswer(parsed, requestId, baseUri, _time.GetUtcNow());
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds and signs one request through AWSSDK.Core's signer. <paramref name="signedAt"/> is only given by
    /// the known-answer test; otherwise the signer takes the current time.
    /// </summary>
    internal static HttpRequestMessage BuildSigned(
        Uri baseUri,
        string method,
        string path,
        byte[] body,
        string? contentType,
        IReadOnlyDictionary<string, string>? headers,
        string signingName,
        string signingRegion,
        ImmutableCredentials credentials,
        DateTime? signedAt,
        string? subresource = null)
    {
        var request = new DefaultRequest(new SignedCallRequest(), signingName)
        {
            HttpMethod = method,
            Endpoint = new Uri(baseUri.GetLeftPart(UriPartial.Authority)),
            ResourcePath = CombinePath(baseUri.AbsolutePath, path),
            Content = body.Length == 0 ? null : body,
            AuthenticationRegion = signingRegion,
            OverrideSigningServiceName = signingName,
        };
        if (contentType is not null)
        {
            request.Headers["Content-Type"] = contentType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }

        if (credentials.UseToken)
        {
            request.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        if (subresource is not null)
        {
            request.AddSubResource(subresource);
        }

        // S3 (and S3 Control) want the payload's hash as a header, signed.
        if (signingName == "s3" && !request.Headers.ContainsKey("x-amz-content-sha256"))
        {
            request.Headers["x-amz-content-sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        }

        var config = new AmazonSecurityTokenServiceConfig { AuthenticationRegion = signingRegion, AuthenticationServiceName = signingName };
        var signer = new AWS4Signer();
        var result = signedAt is { } at
            ? signer.SignRequest(request, config, null, credentials.AccessKey, credentials.SecretKey, at)
            : signer.SignRequest(request, config, null, credentials.AccessKey, credentials.SecretKey);

        var target = new Uri(request.Endpoint, request.ResourcePath);
        if (subresource is not null)
        {
            target = new UriBuilder(target) { Query = Uri.EscapeDataString(subresource) }.Uri;
        }

        var message = new HttpRequestMessage(new HttpMethod(method), target);
        if (request.Content is { } content)
        {
            message.Content = new ByteArrayContent(content);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
        return message;
    }

    private static string CombinePath(string basePath, string path)
    {
        var left = basePath.TrimEnd('/');
        return left + (path.StartsWith('/') ? path : "/" + path);
    }

    private static string? HeaderRequestId(HttpResponseMessage response)
    {
        foreach (var name in new[] { "x-amzn-RequestId", "x-amz-request-id", "x-amzn-requestid" })
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>
    /// An error answer's code, message and request id, from its body in any of the three protocols (XML
    /// <c>&lt;Code&gt;</c>, JSON <c>__type</c>), the <c>x-amzn-ErrorType</c> header, or else its status.
    /// </summary>
    internal static (string Code, string Message, string? RequestId) ReadError(HttpResponseMessage response, string text, string? requestId)
    {
        var status = response.StatusCode;
        string? code = null;
        string? message = null;
        var trimmed = text.TrimStart();
        try
        {
            if (trimmed.StartsWith('<'))
            {
                var root = XElement.Parse(trimmed);
                code = XmlJson.Find(root, "Code")?.Value;
                message = XmlJson.Find(root, "Message")?.Value;
                requestId ??= XmlJson.Find(root, "RequestId")?.Value ?? XmlJson.Find(root, "RequestID")?.Value;
            }
            else if (trimmed.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(trimmed);
                var rootElement = doc.RootElement;
                code = StringProp(rootElement, "__type") ?? StringProp(rootElement, "code") ?? StringProp(rootElement, "Code");
                message = StringProp(rootElement, "message") ?? StringProp(rootElement, "Message");
            }
        }
        catch (Exception e) when (e is XmlException or JsonException)
        {
            // An unreadable error body still is an error: fall back to the header and the status code.
        }

        if (code is null && response.Headers.TryGetValues("x-amzn-ErrorType", out var types))
        {
            code = types.FirstOrDefault();
        }

        code = NormaliseCode(code) ?? ((int)status >= 500 ? "InternalFailure" : $"Http{(int)status}");
        return (code, message ?? $"HTTP {(int)status} {response.ReasonPhrase}", requestId);
    }

    /// <summary><c>com.amazonaws.x#ThrottlingException</c> and <c>ThrottlingException:http://...</c> → <c>ThrottlingException</c>.</summary>
    internal static string? NormaliseCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var value = code.Trim();
        var hash = value.LastIndexOf('#');
        if (hash >= 0)
        {
            value = value[(hash + 1)..];
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? value[..colon] : value;
    }

    private static string? StringProp(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonObject ParseQuery(AwsOperation operation, Stream text, string? requestId)
    {
        var root = ParseXml(operation, text, requestId);
        if (root.Name.LocalName != operation.Name + "Response")
        {
            throw new AwsApiException(operation, AwsApiException.MalformedResponse, $"expected <{operation.Name}Response>, got <{root.Name.LocalName}>", null, requestId);
        }

        var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == operation.Name + "Result")
            ?? throw new AwsApiException(operation, AwsApiException.MalformedResponse, $"the answer has no <{operation.Name}Result>", null, requestId);
        var body = XmlJson.Convert(result) as JsonObject ?? new JsonObject();
        if (XmlJson.Find(root, "RequestId")?.Value is { Length: > 0 } id)
        {
            body["__requestId"] = id;
        }

        return body;
    }

    /// <summary>An answer that is a document of its own (a bucket policy): kept as text under <c>Policy</c>.</summary>
    private static JsonObject ParseText(AwsOperation operation, Stream text, string? requestId)
    {
        using var reader = new StreamReader(text, Encoding.UTF8);
        return new JsonObject { ["Policy"] = reader.ReadToEnd() };
    }

    private Uri HostFor(AwsService service, string region, string? hostPrefix) => _endpoints.Resolve(service, region, hostPrefix);

    private static JsonObject ParseRestXml(AwsOperation operation, Stream text, string? requestId)
    {
        var root = ParseXml(operation, text, requestId);
        return new JsonObject { [root.Name.LocalName] = XmlJson.Convert(root) };
    }

    // As XElement.Parse reads (whitespace between elements dropped), but a DTD is refused: AWS never sends one.
    private static readonly XmlReaderSettings XmlSettings = new() { IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    private static XElement ParseXml(AwsOperation operation, Stream text, string? requestId)
    {
        try
        {
            using var reader = XmlReader.Create(text, XmlSettings);
            return XElement.Load(reader);
        }
        catch (XmlException e)
        {
            throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the XML answer could not be parsed: " + e.Message, null, requestId, e);
        }
    }

    private static JsonObject ParseJson(AwsOperation operation, Stream text, string? requestId)
    {
        try
        {
            if (IsBlank(text))
            {
                throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the JSON answer is empty", null, requestId);
            }

            return JsonNode.Parse(text) as JsonObject
                ?? throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the JSON answer is not an object", null, requestId);
        }
        catch (JsonException e)
        {
            throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the JSON answer could not be parsed: " + e.Message, null, requestId, e);
        }
    }

    /// <summary>An answer's body as UTF-8 text (error bodies, which are small).</summary>
    private static async Task<string> TextAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the (seekable, buffered) body holds nothing but JSON whitespace; the stream is rewound.</summary>
    private static bool IsBlank(Stream body)
    {
        var start = body.Position;
        try
        {
            for (var b = body.ReadByte(); b >= 0; b = body.ReadByte())
            {
                if (b is not (' ' or '\t' or '\r' or '\n'))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            body.Position = start;
        }
    }

    /// <summary>The signer needs an originating request object; the signed client has none of its own.</summary>
    private sealed class SignedCallRequest : AmazonWebServiceRequest
    {
    }
}
