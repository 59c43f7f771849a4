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
public sealed record AwsAnswer(JsonObject Body, string? RequestId, Uri Endpoint, DateTimeOffset AnsweredAt);

/// <summary>All items of a paginated list, with the last page's answer (for provenance).</summary>
public sealed record AwsListAnswer(IReadOnlyList<JsonNode?> Items, AwsAnswer Last, int Pages);

/// <summary>Where and as whom to call: credentials plus the region of the target.</summary>
public sealed record AwsCallContext(AWSCredentials Credentials, string Region, string AccountId);

/// <summary>
/// The one signed client for services without an SDK package: AWS Query (IAM, RDS), JSON 1.1 (Config,
/// CloudTrail, Organizations, CloudWatch Logs) and REST-XML (S3 Control). Requests are signed by
/// AWSSDK.Core's <see cref="AWS4Signer"/> over a <see cref="DefaultRequest"/> (re-signed on every retry),
/// transient errors are retried by the <see cref="AwsRetry"/> pipeline, error bodies become
/// <see cref="AwsApiException"/>s, and an answer that cannot be parsed is an error, never an empty success.
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
    private readonly AwsCallLimiter _limiter;

    private readonly AwsRateGovernor _governor;

    public AwsApiClient(HttpClient http, AwsEndpoints endpoints, ResiliencePipeline pipeline, TimeProvider time, AwsCallLimiter? limiter = null, AwsRateGovernor? governor = null)
    {
        _http = http;
        _endpoints = endpoints;
        _pipeline = pipeline;
        _time = time;
        _limiter = limiter ?? AwsCallLimiter.Unbounded;
        _governor = governor ?? AwsRateGovernor.Disabled;
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
        CancellationToken cancellationToken)
    {
        var configured = _endpoints.Configured(service);
        var baseUri = configured ?? _endpoints.Resolve(service, context.Region, accountHostPrefix);
        var signingRegion = service.SigningRegion(context.Region);
        return await _pipeline.ExecuteAsync(
            async token =>
            {
                var immutable = await context.Credentials.GetCredentialsAsync().ConfigureAwait(false);

                // Paced before signing (a throttled lane waits its turn holding no call slot), so the signature's
                // time is the time it is sent.
                var turn = await _governor.WaitTurnAsync(new AwsRateKey(immutable.AccessKey, service.SigningName, signingRegion), token).ConfigureAwait(false);
                using var message = BuildSigned(baseUri, method, path, body, contentType, headers, service.SigningName, signingRegion, immutable, null);
                HttpResponseMessage response;
                Canonical.SegmentedWriter answerBody;

                // The shared limiter bounds requests on the wire: it is held from send to the last byte, not
                // while signing or parsing.
                using (await _limiter.EnterAsync(token).ConfigureAwait(false))
                {
                    try
                    {
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

                    // The body is read after the headers, so HttpClient's timeout no longer covers it: the same
                    // attempt timeout bounds it here (a stalled body is a timed-out attempt, retried).
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
                    if (_http.Timeout != Timeout.InfiniteTimeSpan)
                    {
                        attempt.CancelAfter(_http.Timeout);
                    }

                    // The answer is copied off the wire into pooled 16 kB segments and parsed from there as a
                    // stream: HttpClient's own buffering grows one pooled array to the answer's size, and a page of
                    // a few hundred kB lands in the shared pool's 256 kB bucket, which keeps every array given back.
                    answerBody = new Canonical.SegmentedWriter();
                    try
                    {
                        using var wire = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
                        await answerBody.CopyFromAsync(wire, attempt.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException)
                    {
                        answerBody.Dispose();
                        response.Dispose();
                        throw new AwsApiException(operation, AwsApiException.TransportError, "the answer's body could not be read: " + e.Message, null, null, e);
                    }
                    catch (OperationCanceledException e) when (!token.IsCancellationRequested)
                    {
                        answerBody.Dispose();
                        response.Dispose();
                        throw new AwsApiException(operation, "RequestTimeout", "the HTTP attempt timed out while reading the answer", null, null, e);
                    }
                    catch
                    {
                        answerBody.Dispose();
                        response.Dispose();
                        throw;
                    }
                }

                using (response)
                using (answerBody)
                {
                    var requestId = HeaderRequestId(response);
                    if (!response.IsSuccessStatusCode)
                    {
                        var error = ParseError(operation, response, Text(answerBody), requestId);
                        _governor.Answered(turn, AwsRetry.IsThrottling(error.Code, error.Status));
                        throw error;
                    }

                    _governor.Answered(turn, throttled: false);

                    using var stream = answerBody.OpenRead();
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
        DateTime? signedAt)
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

        var config = new AmazonSecurityTokenServiceConfig { AuthenticationRegion = signingRegion, AuthenticationServiceName = signingName };
        var signer = new AWS4Signer();
        var result = signedAt is { } at
            ? signer.SignRequest(request, config, null, credentials.AccessKey, credentials.SecretKey, at)
            : signer.SignRequest(request, config, null, credentials.AccessKey, credentials.SecretKey);

        var message = new HttpRequestMessage(new HttpMethod(method), new Uri(request.Endpoint, request.ResourcePath));
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

    private static AwsApiException ParseError(AwsOperation operation, HttpResponseMessage response, string text, string? requestId)
    {
        var (code, message, id) = ReadError(response, text, requestId);
        return new AwsApiException(operation, code, message, response.StatusCode, id);
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
    private static string Text(Canonical.SegmentedWriter body)
    {
        using var reader = new StreamReader(body.OpenRead(), Encoding.UTF8);
        return reader.ReadToEnd();
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
