using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Core;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Common;
using RetryOptions = EvidenceCollector.Collectors.Common.RetryOptions;

namespace EvidenceCollector.Collectors.Azure.Tests.Api;

/// <summary>
/// The ARM reader over the shared send path, against a scripted handler that answers in ARM's wire shapes
/// (<c>value</c>/<c>nextLink</c>, <c>{"error": {"code", "message"}}</c>, 429 with <c>Retry-After</c>).
/// </summary>
public sealed class ArmReaderTests
{
    private const string Subscription = "00000000-0000-0000-0000-000000000001";
    private const string Oid = "7f3c8a1e-5d2b-4c9a-8e6f-1a2b3c4d5e6f";
    private static readonly string RoleAssignments = $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleAssignments";

    [Fact]
    public async Task Pages_FollowNextLinkAndODataNextLink_WithTheBearerTokenAndApiVersion()
    {
        var arm = new ScriptedArm((request, n) => n switch
        {
            1 => Json(HttpStatusCode.OK, Page(1, $"https://management.azure.com{RoleAssignments}?api-version=2022-04-01&$skiptoken=p2", "nextLink")),
            2 => Json(HttpStatusCode.OK, Page(2, $"https://management.azure.com{RoleAssignments}?api-version=2022-04-01&$skiptoken=p3", "@odata.nextLink")),
            _ => Json(HttpStatusCode.OK, Page(3, null, "nextLink")),
        });
        var (reader, _) = Reader(arm);

        var pages = new List<ArmAnswer>();
        await foreach (var page in reader.PagesAsync(RoleAssignments, "2022-04-01", CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal([1, 2, 3], pages.Select(p => int.Parse(p.Body.GetProperty("value")[0].GetProperty("name").GetString()!.Split('-')[^1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(pages, p => Assert.Equal($"GET {RoleAssignments}", p.Operation));
        Assert.Equal(["req-1", "req-2", "req-3"], pages.Select(p => p.RequestId));
        Assert.Equal(3, arm.Requests.Count);
        Assert.All(arm.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
        Assert.Contains("api-version=2022-04-01", arm.Requests[0].Uri.Query, StringComparison.Ordinal);
        Assert.Contains("skiptoken=p3", arm.Requests[2].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_ALinkAlreadyFollowed_IsAnError_NotAnEndlessWalk()
    {
        var again = $"https://management.azure.com{RoleAssignments}?api-version=2022-04-01&$skiptoken=p2";
        var arm = new ScriptedArm((_, _) => Json(HttpStatusCode.OK, Page(1, again, "nextLink")));
        var (reader, _) = Reader(arm);

        var error = await Assert.ThrowsAsync<ArmException>(async () =>
        {
            await foreach (var _ in reader.PagesAsync(RoleAssignments, "2022-04-01", CancellationToken.None))
            {
            }
        });

        Assert.Equal("PagingLoop", error.Code);
        Assert.Equal(2, arm.Requests.Count);
    }

    [Fact]
    public async Task Pages_ALinkToAnotherHost_IsNotFollowed_SoTheTokenStaysHome()
    {
        var arm = new ScriptedArm((_, _) => Json(HttpStatusCode.OK, Page(1, "https://attacker.example/collect?x=1", "nextLink")));
        var (reader, _) = Reader(arm);

        var error = await Assert.ThrowsAsync<ArmException>(async () =>
        {
            await foreach (var _ in reader.PagesAsync(RoleAssignments, "2022-04-01", CancellationToken.None))
            {
            }
        });

        Assert.Equal("ForeignNextLink", error.Code);
        Assert.All(arm.Requests, r => Assert.Equal("management.azure.com", r.Uri.Host));
    }

    [Fact]
    public async Task Throttled_IsRetriedAfterItsRetryAfter_AndCutsTheLaneOfPrincipalSubscriptionAndProvider()
    {
        var arm = new ScriptedArm((_, n) => n == 1
            ? Json((HttpStatusCode)429, $$$"""{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'read' requests for subscription '{{{Subscription}}}' actor '{{{Oid}}}' exceeded. Please try again after '1' seconds after additional tokens are available."}}""", ("Retry-After", "1"))
            : Json(HttpStatusCode.OK, Page(1, null, "nextLink")));
        var (reader, governor) = Reader(arm);
        var watch = Stopwatch.StartNew();

        var answer = await reader.GetAsync(RoleAssignments, "2022-04-01", CancellationToken.None);

        Assert.Equal(200, answer.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}, not after Retry-After");
        Assert.Equal(2, arm.Requests.Count);
        Assert.True(governor.Cuts >= 1);
        Assert.NotNull(governor.RateOf(new RateLane(Oid, Subscription, "Microsoft.Authorization")));
    }

    [Fact]
    public async Task AuthorizationFailed_IsNotRetried_AndCarriesArmsCodeMessageAndRequestId()
    {
        var arm = new ScriptedArm((_, _) => Json(HttpStatusCode.Forbidden, $$$"""{"error":{"code":"AuthorizationFailed","message":"The client '{{{Oid}}}' with object id '{{{Oid}}}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/{{{Subscription}}}' or the scope is invalid. If access was recently granted, please refresh your credentials."}}"""));
        var (reader, _) = Reader(arm);

        var error = await Assert.ThrowsAsync<ArmException>(() => reader.GetAsync(RoleAssignments, "2022-04-01", CancellationToken.None));

        Assert.Equal((403, "AuthorizationFailed", "req-1"), (error.Status, error.Code, error.RequestId));
        Assert.Contains("Microsoft.Authorization/roleAssignments/read", error.ArmMessage, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Single(arm.Requests);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_ABodyThatIsNotJson_IsMalformedAndNotRetried()
    {
        var flaky = new ScriptedArm((_, n) => n < 3 ? Json(HttpStatusCode.InternalServerError, """{"error":{"code":"InternalServerError","message":"Encountered internal server error."}}""") : Json(HttpStatusCode.OK, Page(1, null, "nextLink")));
        var (reader, _) = Reader(flaky);
        Assert.Equal(200, (await reader.GetAsync(RoleAssignments, "2022-04-01", CancellationToken.None)).Status);
        Assert.Equal(3, flaky.Requests.Count);

        var broken = new ScriptedArm((_, _) => Json(HttpStatusCode.OK, """{"value":[{"id":"/subscriptions/x" """));
        var (brokenReader, _) = Reader(broken);
        var error = await Assert.ThrowsAsync<ArmException>(() => brokenReader.GetAsync(RoleAssignments, "2022-04-01", CancellationToken.None));
        Assert.Equal("MalformedResponse", error.Code);
        Assert.Single(broken.Requests);

        var html = new ScriptedArm((_, _) => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>", Encoding.UTF8, "text/html") });
        var (htmlReader, _) = Reader(html, attempts: 2);
        var gateway = await Assert.ThrowsAsync<ArmException>(() => htmlReader.GetAsync(RoleAssignments, "2022-04-01", CancellationToken.None));
        Assert.Equal(("Http502", 2), (gateway.Code, html.Requests.Count));
    }

    [Fact]
    public async Task Post_SendsTheQueryBody()
    {
        var arm = new ScriptedArm((_, _) => Json(HttpStatusCode.OK, """{"@odata.context":"https://management.azure.com/subscriptions/x/providers/Microsoft.PolicyInsights/policyStates/$metadata#summary","@odata.count":1,"value":[]}"""));
        var (reader, _) = Reader(arm);
        var path = $"/subscriptions/{Subscription}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize";

        var answer = await reader.PostAsync(path, "2019-10-01", "{}", CancellationToken.None);

        Assert.Equal($"POST {path}", answer.Operation);
        Assert.Equal(("POST", "{}"), (arm.Requests[0].Method, arm.Requests[0].Body));
    }

    [Theory]
    [InlineData("/subscriptions/ABC/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa", "abc", "Microsoft.Storage")]
    [InlineData("/subscriptions/abc", "abc", "Microsoft.Resources")]
    [InlineData("/subscriptions", "tenant", "Microsoft.Resources")]
    [InlineData("/providers/Microsoft.Management/managementGroups/mg/descendants", "tenant", "Microsoft.Management")]
    public void LaneOf_IsPrincipalSubscriptionAndResourceProvider(string path, string scope, string service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://management.azure.com" + path + "?api-version=1");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);

        Assert.Equal(new RateLane(Oid, scope, service), ArmReader.LaneOf(request));
        request.Headers.Authorization = null;
        Assert.Null(ArmReader.LaneOf(request));
    }

    private static readonly string Token = string.Join('.',
        B64("""{"alg":"RS256","typ":"JWT"}"""),
        B64($$"""{"aud":"https://management.azure.com/","oid":"{{Oid}}","appid":"11111111-2222-3333-4444-555555555555","tid":"22222222-0000-0000-0000-000000000000"}"""),
        "c2lnbmF0dXJl");

    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (ArmReader Reader, AdaptiveRateGovernor Governor) Reader(ScriptedArm arm, int attempts = 4)
    {
        var governor = new AdaptiveRateGovernor(TimeProvider.System);
        var client = LimitedSendHandler.CreateClient(arm, new CallLimiter(8), governor, TimeSpan.FromSeconds(10), ArmReader.LaneOf, ArmReader.IsThrottledAsync);
        var retry = new RetryOptions { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromSeconds(2) };
        return (ArmReader.Create(new StaticToken(), new Uri("https://management.azure.com/"), "https://management.azure.com/", client, retry, TimeProvider.System), governor);
    }

    private static string Page(int n, string? next, string linkName)
    {
        var value = $$"""[{"properties":{"roleDefinitionId":"/subscriptions/{{Subscription}}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635","principalId":"{{Oid}}","principalType":"User","scope":"/subscriptions/{{Subscription}}","createdOn":"2023-01-01T00:00:00.0000000Z"},"id":"/subscriptions/{{Subscription}}/providers/Microsoft.Authorization/roleAssignments/assignment-{{n}}","type":"Microsoft.Authorization/roleAssignments","name":"assignment-{{n}}"}]""";
        return next is null ? $$"""{"value":{{value}}}""" : $$"""{"value":{{value}},"{{linkName}}":"{{next}}"}""";
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Answers with the script (request, 1-based number); records what was sent.</summary>
    private sealed class ScriptedArm(Func<HttpRequestMessage, int, HttpResponseMessage> script) : HttpMessageHandler
    {
        public List<(string Method, Uri Uri, string? Authorization, string? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            int n;
            lock (Requests)
            {
                Requests.Add((request.Method.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
                n = Requests.Count;
            }

            var response = script(request, n);
            response.Headers.TryAddWithoutValidation("x-ms-request-id", $"req-{n}");
            response.Headers.TryAddWithoutValidation("x-ms-correlation-request-id", "corr-1");
            response.RequestMessage = request;
            return response;
        }
    }
}
