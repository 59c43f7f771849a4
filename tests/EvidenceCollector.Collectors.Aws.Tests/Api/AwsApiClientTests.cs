using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Collectors.Common;

namespace EvidenceCollector.Collectors.Aws.Tests.Api;

/// <summary>The signed client over a scripted HTTP handler: pagination, retries, error bodies, malformed answers.</summary>
public sealed class AwsApiClientTests
{
    private static readonly AwsCallContext Context = new(new BasicAWSCredentials("AKIDEXAMPLE", "secret"), "eu-west-1", "123456789012");

    private static (AwsApiClient Client, ScriptedHandler Handler) Create(int maxAttempts = 4, params Func<HttpRequestMessage, string, HttpResponseMessage>[] answers) =>
        Create(maxAttempts, Timeout.InfiniteTimeSpan, answers);

    private static (AwsApiClient Client, ScriptedHandler Handler) Create(int maxAttempts, TimeSpan attemptTimeout, params Func<HttpRequestMessage, string, HttpResponseMessage>[] answers)
    {
        var handler = new ScriptedHandler(answers);
        var options = AwsHarness.FastOptions().Retry;
        options.MaxAttempts = maxAttempts;
        var endpoints = new AwsEndpoints(null, name => name == "AWS_ENDPOINT_URL" ? "http://127.0.0.1:4566" : null);
        // The real AWS send path (limiter, lanes, attempt timeout, answers in segments) over the scripted handler.
        var http = LimitedHttpClientFactory.Over(handler, new CallLimiter(int.MaxValue), AdaptiveRateGovernor.Disabled, attemptTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : attemptTimeout);
        return (new AwsApiClient(http.Client, endpoints, AwsRetry.CreatePipeline(options, TimeProvider.System), TimeProvider.System), handler);
    }

    private static HttpResponseMessage Xml(HttpStatusCode status, string body, string? requestId = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
        if (requestId is not null)
        {
            response.Headers.Add("x-amzn-RequestId", requestId);
        }

        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") };

    private static string Users(string members, bool truncated, string? marker) =>
        $"<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListUsersResult><Users>{members}</Users><IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>{(marker is null ? string.Empty : $"<Marker>{marker}</Marker>")}</ListUsersResult><ResponseMetadata><RequestId>req-xml</RequestId></ResponseMetadata></ListUsersResponse>";

    [Fact]
    public async Task QueryListAsync_TruncatedPages_FollowsMarkersAndSignsEachRequest()
    {
        var (client, handler) = Create(4,
            (_, _) => Xml(HttpStatusCode.OK, Users("<member><UserName>a</UserName></member>", true, "m1")),
            (_, body) => body.Contains("Marker=m1", StringComparison.Ordinal) ? Xml(HttpStatusCode.OK, Users("<member><UserName>b</UserName></member><member><UserName>c</UserName></member>", false, null), "req-2") : Xml(HttpStatusCode.BadRequest, "<x/>"));

        var answer = await client.QueryListAsync(Context, AwsOperations.IamListUsers, null, "Users", CancellationToken.None);

        Assert.Equal(["a", "b", "c"], answer.Items.Select(i => i!["UserName"]!.GetValue<string>()));
        Assert.Equal(2, answer.Pages);
        Assert.Equal("req-2", answer.Last.RequestId);
        Assert.All(handler.Requests, r => Assert.Contains("/us-east-1/iam/aws4_request", r.Authorization, StringComparison.Ordinal));
        Assert.All(handler.Requests, r => Assert.Contains("Action=ListUsers", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonListAsync_NextToken_ReadsEveryPageWithTarget()
    {
        var (client, handler) = Create(4,
            (_, _) => Json(HttpStatusCode.OK, "{\"logGroups\":[{\"logGroupName\":\"a\"}],\"nextToken\":\"t1\"}"),
            (_, body) => Json(HttpStatusCode.OK, body.Contains("\"nextToken\":\"t1\"", StringComparison.Ordinal) ? "{\"logGroups\":[{\"logGroupName\":\"b\"}]}" : "{}"));

        var answer = await client.JsonListAsync(Context, AwsOperations.LogsDescribeLogGroups, null, "logGroups", "nextToken", CancellationToken.None);

        Assert.Equal(["a", "b"], answer.Items.Select(i => i!["logGroupName"]!.GetValue<string>()));
        Assert.All(handler.Requests, r => Assert.Equal("Logs_20140328.DescribeLogGroups", r.Target));
    }

    [Fact]
    public async Task QueryAsync_ThrottledThenOk_RetriesToSuccess()
    {
        const string throttled = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>";
        var (client, handler) = Create(5,
            (_, _) => Xml(HttpStatusCode.BadRequest, throttled),
            (_, _) => Xml(HttpStatusCode.ServiceUnavailable, "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>later</Message></Error></ErrorResponse>"),
            (_, _) => Xml(HttpStatusCode.OK, Users(string.Empty, false, null)));

        var answer = await client.QueryAsync(Context, AwsOperations.IamListUsers, null, CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal("req-xml", answer.RequestId);
    }

    [Fact]
    public async Task JsonAsync_ThrottledBeyondBudget_FailsWithThrottlingCode()
    {
        var (client, handler) = Create(3, Enumerable.Repeat<Func<HttpRequestMessage, string, HttpResponseMessage>>(
            (_, _) => Json(HttpStatusCode.BadRequest, "{\"__type\":\"com.amazonaws.logs#ThrottlingException\",\"message\":\"slow down\"}"), 10).ToArray());

        var error = await Assert.ThrowsAsync<AwsApiException>(() => client.JsonAsync(Context, AwsOperations.LogsDescribeLogGroups, null, CancellationToken.None));

        Assert.Equal("ThrottlingException", error.Code);
        Assert.Equal("slow down", error.AwsMessage);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task QueryAsync_ErrorResponseXml_ParsesCodeMessageAndRequestId()
    {
        var (client, handler) = Create(4, (_, _) => Xml(HttpStatusCode.Forbidden,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized</Message></Error><RequestId>req-denied</RequestId></ErrorResponse>"));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => client.QueryAsync(Context, AwsOperations.IamListUsers, null, CancellationToken.None));

        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal("User is not authorized", error.AwsMessage);
        Assert.Equal("req-denied", error.RequestId);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task JsonAsync_TypeWithNamespace_ParsesShortCode()
    {
        var (client, _) = Create(4, (_, _) => Json(HttpStatusCode.BadRequest, "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"Message\":\"no\"}"));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => client.JsonAsync(Context, AwsOperations.ConfigDescribeConfigRules, null, CancellationToken.None));

        Assert.Equal("AccessDeniedException", error.Code);
        Assert.Equal("no", error.AwsMessage);
    }

    [Theory]
    [InlineData("<ListUsersResponse><ListUsersResult><Users><member>")]
    [InlineData("<SomethingElse/>")]
    [InlineData("<ListUsersResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>")]
    public async Task QueryAsync_MalformedXml_IsAnErrorNotAnEmptySuccess(string body)
    {
        var (client, _) = Create(4, (_, _) => Xml(HttpStatusCode.OK, body));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => client.QueryAsync(Context, AwsOperations.IamListUsers, null, CancellationToken.None));

        Assert.Equal(AwsApiException.MalformedResponse, error.Code);
    }

    [Theory]
    [InlineData("{\"logGroups\":[{\"logGroupName\":")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"logGroups\":\"not a list\"}")]
    [InlineData("{}")]
    public async Task JsonListAsync_MalformedJson_IsAnErrorNotAnEmptySuccess(string body)
    {
        var (client, _) = Create(4, (_, _) => Json(HttpStatusCode.OK, body));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => client.JsonListAsync(Context, AwsOperations.LogsDescribeLogGroups, null, "logGroups", "nextToken", CancellationToken.None));

        Assert.Equal(AwsApiException.MalformedResponse, error.Code);
    }

    [Fact]
    public async Task QueryListAsync_ListElementAbsent_IsMalformedNotEmpty()
    {
        var (client, _) = Create(4, (_, _) => Xml(HttpStatusCode.OK, "<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>"));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => client.QueryListAsync(Context, AwsOperations.IamListUsers, null, "Users", CancellationToken.None));

        Assert.Equal(AwsApiException.MalformedResponse, error.Code);
    }

    [Fact]
    public async Task RestXmlGetAsync_CustomEndpoint_SendsAccountHeaderWithoutHostPrefix()
    {
        var (client, handler) = Create(4, (_, _) => Xml(HttpStatusCode.OK,
            "<PublicAccessBlockConfiguration xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\"><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>"));

        var answer = await client.RestXmlGetAsync(Context, AwsOperations.S3ControlGetPublicAccessBlock, "/v20180820/configuration/publicAccessBlock", CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:4566/v20180820/configuration/publicAccessBlock", request.Uri);
        Assert.Equal("123456789012", request.AccountHeader);
        Assert.Contains("/eu-west-1/s3/aws4_request", request.Authorization, StringComparison.Ordinal);
        Assert.Equal("true", answer.Body["PublicAccessBlockConfiguration"]!["BlockPublicAcls"]!.GetValue<string>());
    }

    [Fact]
    public void Resolve_ServiceSpecificVariable_WinsOverGeneralOne()
    {
        var env = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://general:1", ["AWS_ENDPOINT_URL_CONFIG_SERVICE"] = "http://config:2" };
        var endpoints = new AwsEndpoints(null, env.GetValueOrDefault);

        Assert.Equal(new Uri("http://config:2"), endpoints.Resolve(AwsService.Config, "eu-west-1"));
        Assert.Equal(new Uri("http://general:1"), endpoints.Resolve(AwsService.Iam, "eu-west-1"));
        Assert.Equal(new Uri("https://123456789012.s3-control.eu-west-1.amazonaws.com/"), new AwsEndpoints(null, _ => null).Resolve(AwsService.S3Control, "eu-west-1", "123456789012"));
        Assert.Null(new AwsEndpoints(null, n => n == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" ? "true" : env.GetValueOrDefault(n)).Configured(AwsService.Iam));
    }

    private sealed record Seen(string Uri, string Body, string Authorization, string? Target, string? AccountHeader);

    [Fact]
    public async Task QueryListAsync_AnswerOfManyBufferSegments_ParsedWhole()
    {
        // The body is copied off the wire into 16 kB segments and parsed from them: an answer of ~300 kB, with
        // multi-byte characters wherever the segment boundaries fall, must come out whole.
        var members = string.Concat(Enumerable.Range(0, 3000).Select(i => $"<member><UserName>user-{i:D4}-\u00e9\u20ac\U0001F600</UserName><Path>/{new string('p', 40)}/</Path></member>"));
        var (client, _) = Create(1, (_, _) => Xml(HttpStatusCode.OK, Users(members, false, null)));

        var answer = await client.QueryListAsync(Context, AwsOperations.IamListUsers, null, "Users", CancellationToken.None);

        Assert.Equal(3000, answer.Items.Count);
        Assert.Equal("user-2999-\u00e9\u20ac\U0001F600", answer.Items[2999]!["UserName"]!.GetValue<string>());
        Assert.Equal("req-xml", answer.Last.RequestId);
    }

    [Fact]
    public async Task JsonAsync_WhitespaceOnlyBody_IsMalformedNotEmptySuccess()
    {
        var (client, _) = Create(1, (_, _) => Json(HttpStatusCode.OK, " \r\n\t "));

        var e = await Assert.ThrowsAsync<AwsApiException>(() => client.JsonAsync(Context, AwsOperations.LogsDescribeLogGroups, null, CancellationToken.None));

        Assert.Equal(AwsApiException.MalformedResponse, e.Code);
        Assert.Contains("the JSON answer is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_BodyStallsAfterHeaders_AttemptTimesOutAndIsRetried()
    {
        // Headers arrive, the body never does: the attempt timeout covers the body too, and the stalled attempt
        // is retried like any timed-out one.
        var (client, handler) = Create(3, TimeSpan.FromMilliseconds(300),
            (_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StalledStream()) },
            (_, _) => Xml(HttpStatusCode.OK, Users("<member><UserName>a</UserName></member>", false, null)));

        var answer = await client.QueryAsync(Context, AwsOperations.IamListUsers, null, CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("a", answer.Body["Users"]!.AsArray()[0]!["UserName"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueryAsync_BodyAlwaysStalls_RequestTimeoutErrorNotHang()
    {
        var (client, handler) = Create(2, TimeSpan.FromMilliseconds(200),
            (_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StalledStream()) });

        var e = await Assert.ThrowsAsync<AwsApiException>(() => client.QueryAsync(Context, AwsOperations.IamListUsers, null, CancellationToken.None));

        Assert.Equal("RequestTimeout", e.Code);
        Assert.Equal(2, handler.Requests.Count);
    }

    /// <summary>A body that sends nothing until it is cancelled.</summary>
    private sealed class StalledStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("reads are asynchronous");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, string, HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<Seen> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new Seen(
                request.RequestUri!.ToString(),
                body,
                string.Join(",", request.Headers.GetValues("Authorization")),
                request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.Single() : null,
                request.Headers.TryGetValues("x-amz-account-id", out var a) ? a.Single() : null));
            var answer = answers[Math.Min(_next++, answers.Length - 1)];
            return answer(request, body);
        }
    }
}
