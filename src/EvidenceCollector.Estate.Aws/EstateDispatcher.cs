using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;
using EvidenceCollector.Estate.Aws.Services;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EvidenceCollector.Estate.Aws;

/// <summary>Authenticates, routes, applies the switches and answers every request of the estate server.</summary>
internal sealed class EstateDispatcher
{
    private readonly EstateState _state;
    private readonly EstateSwitches _switches;
    private readonly EstateStats _stats;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly Dictionary<string, EstateService> _services;
    private readonly S3ControlService _s3Control;

    public EstateDispatcher(EstateState state, EstateSwitches switches, EstateStats stats, TimeProvider time, CancellationToken stopping)
    {
        _state = state;
        _switches = switches;
        _stats = stats;
        _time = time;
        _stopping = stopping;
        var s3 = new S3Service(state);
        _s3Control = new S3ControlService();
        _services = new EstateService[]
        {
            new StsService(state), new IamService(state), new Ec2Service(), s3, new KmsService(), new RdsService(),
            new LogsService(), new ConfigService(), new CloudTrailService(state), new OrganizationsService(state),
        }.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var arrived = _time.GetTimestamp();
        _stats.Received();
        var requestId = Guid.NewGuid().ToString();
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var rawTarget = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString);
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q < 0 ? rawTarget : rawTarget[..q];
        var rawQuery = q < 0 ? "" : rawTarget[(q + 1)..];

        EstateService? service = null;
        var protocol = GuessProtocol(ctx, rawPath);
        var ns = XNamespace.None;
        try
        {
            var header = ctx.Request.Headers.Authorization.ToString();
            if (string.IsNullOrEmpty(header))
            {
                throw AuthError(protocol, "missing");
            }
            var auth = SigV4.Parse(header) ?? throw AuthError(protocol, "incomplete");
            service = auth.Service == "s3" && rawPath.StartsWith("/v20180820/", StringComparison.Ordinal) ? _s3Control
                : _services.GetValueOrDefault(auth.Service);
            if (service is null)
            {
                throw new AwsError(protocol == WireProtocol.Json ? "UnknownOperationException" : "InvalidAction",
                    $"The estate does not emulate the service '{auth.Service}'", 400);
            }
            protocol = service.Protocol;
            ns = service.Namespace;

            var caller = _state.FindKey(auth.AccessKeyId) ?? throw AuthError(protocol, "unknown-key");
            var token = ctx.Request.Headers["x-amz-security-token"].ToString();
            if (caller.SessionToken is not null && token != caller.SessionToken)
            {
                throw AuthError(protocol, "unknown-key");
            }
            if (caller.Expiration is { } expiration && expiration <= _time.GetUtcNow())
            {
                throw AuthError(protocol, "expired");
            }
            var payloadHash = ctx.Request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } h ? h : SigV4.PayloadHash(body);
            var expected = SigV4.Sign(caller.SecretAccessKey, auth, ctx.Request.Method, rawPath, rawQuery,
                name => ctx.Request.Headers.TryGetValue(name, out var v) ? string.Join(',', v.Select(x => x ?? "")) : null,
                payloadHash, doubleEncodePath: auth.Service != "s3");
            if (!SigV4.SignatureEquals(expected, auth.Signature))
            {
                throw AuthError(protocol, "signature");
            }

            var account = _state.Estate.FindAccount(caller.AccountId) ?? throw AuthError(protocol, "unknown-key");
            if (!service.Global && !account.EnabledRegions.Contains(auth.Region))
            {
                throw service.RegionNotEnabled();
            }

            var request = BuildRequest(ctx, service, auth.Region, account, caller, requestId, body, rawQuery);
            _stats.Call(service.Name, request.Operation);
            await AnswerAsync(ctx, service, request, arrived).ConfigureAwait(false);
        }
        catch (AwsError e)
        {
            if (service is null || e.Status is 401 or 403 && e.Code is "SignatureDoesNotMatch" or "InvalidClientTokenId" or "AuthFailure" or "IncompleteSignature" or "MissingAuthenticationToken" or "InvalidAccessKeyId" or "InvalidSignatureException")
            {
                _stats.Rejected();
            }
            await WriteAsync(ctx, Wire.Error(protocol, ns, e, requestId), malformed: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Answers after <see cref="EstateSwitches.Latency"/> counted from the request's arrival: the estate's own
    /// work (authentication, the answer's rendering) happens inside that time, as a real service's does, so a
    /// 20 ms latency means a 20 ms call, not 20 ms plus the emulator.
    /// </summary>
    private async Task AnswerAsync(HttpContext ctx, EstateService service, AwsRequest request, long arrived)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping);
        var (response, malformed, hang) = Respond(service, request);
        var remaining = _switches.Latency - _time.GetElapsedTime(arrived);
        try
        {
            if (hang)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, linked.Token).ConfigureAwait(false);
            }
            else if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            ctx.Abort();
            return;
        }

        await WriteAsync(ctx, response!, malformed).ConfigureAwait(false);
        _stats.AnsweredAfter(_time.GetElapsedTime(arrived));
    }

    /// <summary>The answer to a request: a throttle, an injected failure, or the service's own answer.</summary>
    private (AwsResponse? Response, bool Malformed, bool Hang) Respond(EstateService service, AwsRequest request)
    {
        if (!_switches.TryAcquire(service.Name, request.Account.Id, request.Region))
        {
            _stats.Throttle();
            return (Render(service, request, service.Throttling()), false, false);
        }

        var failure = _switches.MatchFailure(service.Name, request.Operation, request.Account.Id, request.Region);
        if (failure is not null)
        {
            _stats.Injected();
            switch (failure.Kind)
            {
                case FailureKind.Timeout:
                    return (null, false, true);
                case FailureKind.AccessDenied:
                    return (Render(service, request, service.AccessDenied(request)), false, false);
                case FailureKind.InternalError:
                    return (Render(service, request, service.InternalError()), false, false);
                case FailureKind.Throttle:
                    return (Render(service, request, service.Throttling()), false, false);
            }
        }

        AwsResponse response;
        try
        {
            response = service.Handle(request);
        }
        catch (AwsError e)
        {
            response = Render(service, request, e);
        }

        return (response, failure?.Kind == FailureKind.MalformedBody, false);
    }

    private static AwsResponse Render(EstateService service, AwsRequest request, AwsError error) =>
        Wire.Error(service.Protocol, service.Namespace, error, request.RequestId);

    private AwsRequest BuildRequest(HttpContext ctx, EstateService service, string region, EstateAccount account, Caller caller,
        string requestId, byte[] body, string rawQuery)
    {
        var parameters = ParseForm(rawQuery, plusIsSpace: false);
        var json = default(JsonElement);
        string operation;
        switch (service.Protocol)
        {
            case WireProtocol.Query:
            case WireProtocol.Ec2:
                var contentType = ctx.Request.ContentType ?? "";
                if (body.Length > 0 && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var (k, v) in ParseForm(Encoding.UTF8.GetString(body), plusIsSpace: true))
                    {
                        parameters[k] = v;
                    }
                }
                operation = parameters.GetValueOrDefault("Action")
                    ?? throw new AwsError("MissingAction", "Missing Action", 400);
                break;
            case WireProtocol.Json:
                var target = ctx.Request.Headers["X-Amz-Target"].ToString();
                var dot = target.LastIndexOf('.');
                if (dot < 0 || target[..dot] != service.TargetPrefix)
                {
                    throw service.UnknownOperation(target);
                }
                operation = target[(dot + 1)..];
                try
                {
                    json = body.Length == 0 ? JsonDocument.Parse("{}").RootElement : JsonDocument.Parse(body).RootElement;
                }
                catch (JsonException)
                {
                    throw new AwsError("SerializationException", "Start of structure or map found where not expected.", 400);
                }
                break;
            default:
                operation = ((IRestOperations)service).Resolve(ctx.Request.Method, ctx.Request.Path.Value ?? "/", parameters);
                break;
        }
        return new AwsRequest
        {
            Http = ctx,
            Service = service.Name,
            Operation = operation,
            Protocol = service.Protocol,
            Region = region,
            Account = account,
            Caller = caller,
            RequestId = requestId,
            Now = _time.GetUtcNow(),
            PageSize = _switches.PageSize,
            Switches = _switches,
            Params = parameters,
            Json = json,
            Path = ctx.Request.Path.Value ?? "/",
        };
    }

    private static Dictionary<string, string> ParseForm(string text, bool plusIsSpace)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            string Decode(string s) => Uri.UnescapeDataString(plusIsSpace ? s.Replace('+', ' ') : s);
            result[Decode(kv[0])] = kv.Length > 1 ? Decode(kv[1]) : "";
        }
        return result;
    }

    private static WireProtocol GuessProtocol(HttpContext ctx, string rawPath)
    {
        if (ctx.Request.Headers.ContainsKey("X-Amz-Target"))
        {
            return WireProtocol.Json;
        }
        if (rawPath != "/" || !HttpMethods.IsPost(ctx.Request.Method))
        {
            return WireProtocol.RestXml;
        }
        return WireProtocol.Query;
    }

    private static AwsError AuthError(WireProtocol protocol, string kind) => (protocol, kind) switch
    {
        (WireProtocol.Ec2, _) => new AwsError("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
        (WireProtocol.Json, "missing") => new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 400),
        (WireProtocol.Json, "incomplete") => new AwsError("IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.", 400),
        (WireProtocol.Json, "unknown-key") => new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
        (WireProtocol.Json, "expired") => new AwsError("ExpiredTokenException", "The security token included in the request is expired", 400),
        (WireProtocol.Json, _) => new AwsError("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", 400),
        (WireProtocol.RestXml, "missing") => new AwsError("AccessDenied", "Access Denied", 403),
        (WireProtocol.RestXml, "incomplete") => new AwsError("AuthorizationHeaderMalformed", "The authorization header is malformed.", 400),
        (WireProtocol.RestXml, "unknown-key") => new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403),
        (WireProtocol.RestXml, "expired") => new AwsError("ExpiredToken", "The provided token has expired.", 400),
        (WireProtocol.RestXml, _) => new AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403),
        (_, "missing") => new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
        (_, "incomplete") => new AwsError("IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.", 403),
        (_, "unknown-key") => new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
        (_, "expired") => new AwsError("ExpiredToken", "The security token included in the request is expired", 403),
        _ => new AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", 403),
    };

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpContext ctx, AwsResponse response, bool malformed)
    {
        var body = response.Body;
        if (malformed)
        {
            var garbled = Encoding.UTF8.GetBytes("\u0001\u001f<<garbled");
            body = [.. body.AsSpan(0, body.Length / 2), .. garbled];
        }
        ctx.Response.StatusCode = response.Status;
        ctx.Response.ContentType = response.ContentType;
        ctx.Response.ContentLength = body.Length;
        foreach (var (k, v) in response.Headers)
        {
            ctx.Response.Headers[k] = v;
        }
        try
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the client went away; nothing left to answer
        }
    }
}

/// <summary>REST services resolve their operation from method, path and query.</summary>
internal interface IRestOperations
{
    string Resolve(string method, string path, IReadOnlyDictionary<string, string> query);
}
