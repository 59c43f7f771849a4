using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Common;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Azure;
using RetryOptions = EvidenceCollector.Collectors.Common.RetryOptions;

namespace EvidenceCollector.Collectors.Azure.Tests.Api;

/// <summary>Tests that set the managed-identity environment of the process run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IdentityEnvironment : ICollectionFixture<AzureEstateFixture>
{
    public const string Name = "identity environment";
}

/// <summary>
/// The real credential path against the emulated estate: <see cref="DefaultAzureCredential"/> finds the App Service
/// managed identity (<c>IDENTITY_ENDPOINT</c> + <c>IDENTITY_HEADER</c>, never the instance metadata address), its
/// token goes over HTTPS to the estate's Resource Manager, and the ARM reader pages, retries and fails as ARM makes it.
/// </summary>
/// <summary>One estate for the collection: MSAL caches a managed identity's token per process, so the estate that issued it must stay.</summary>
public sealed class AzureEstateFixture : IAsyncLifetime
{
    public static readonly AzureEstate Estate = AzureEstate.Demo();
    private readonly Dictionary<string, string?> _saved = [];

    public EstateHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await EstateHost.StartAsync(AzureServices.For(Estate));
        foreach (var name in (string[])["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT"])
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }

        // App Service managed identity: the credential never falls through to the instance metadata address.
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(Host.HttpBaseUrl, AzureServices.TokenPath).ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", Estate.IdentityHeader);
    }

    /// <summary>The estate with no throttles or injected failures left by an earlier test, at this page size.</summary>
    public EstateHost Reset(int pageSize)
    {
        Host.Switches.ClearThrottles();
        Host.Switches.ClearFailures();
        Host.Switches.PageSize = pageSize;
        return Host;
    }

    /// <summary>The credential chain as the product builds it, over a transport that trusts the estate's certificate.</summary>
    public static TokenCredential Credential(EstateHost host) => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        Transport = new HttpClientTransport(new HttpClient(host.TrustingHandler())),
        ExcludeAzureCliCredential = true,
        ExcludeAzurePowerShellCredential = true,
        ExcludeAzureDeveloperCliCredential = true,
        ExcludeVisualStudioCredential = true,
        ExcludeInteractiveBrowserCredential = true,
    });

    public static ArmReader Reader(EstateHost host, out AdaptiveRateGovernor governor)
    {
        governor = new AdaptiveRateGovernor(TimeProvider.System);
        var client = LimitedSendHandler.CreateClient(host.TrustingHandler(), new CallLimiter(8), governor, TimeSpan.FromSeconds(10), ArmReader.LaneOf, ArmReader.IsThrottledAsync);
        var retry = new RetryOptions { MaxAttempts = 8, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(2) };
        return ArmReader.Create(Credential(host), host.HttpsBaseUrl, "https://management.azure.com/", client, retry, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        await Host.DisposeAsync();
    }
}

[Collection(IdentityEnvironment.Name)]
public sealed class EstateArmTests
{
    private static readonly AzureEstate Estate = AzureEstateFixture.Estate;
    private readonly EstateHost _host;

    public EstateArmTests(AzureEstateFixture fixture) => _host = fixture.Reset(pageSize: 100);

    [Fact]
    public async Task DefaultCredential_UsesTheManagedIdentity_AndSubscriptionsArePagedOverHttps()
    {
        _host.Switches.PageSize = 1;
        var reader = Reader(out _);

        var subscriptions = new List<string>();
        await foreach (var page in reader.PagesAsync("/subscriptions", "2022-12-01", CancellationToken.None))
        {
            subscriptions.AddRange(page.Body.GetProperty("value").EnumerateArray().Select(s => $"{s.GetProperty("displayName").GetString()}:{s.GetProperty("state").GetString()}"));
            Assert.NotNull(page.RequestId);
        }

        Assert.Equal(["Production:Enabled", "Sandbox:Warned", "Retired:Disabled"], subscriptions);
        Assert.True(_host.Stats.CallsTo("identity", "token") >= 1, "the token came from the managed-identity endpoint");
        Assert.Equal(0, _host.Stats.AuthRejected);
        Assert.Equal("https", _host.HttpsBaseUrl.Scheme);
    }

    [Fact]
    public async Task Throttled_RoleAssignments_AreAllReadThroughRetryAfter_AndTheLaneIsPaced()
    {
        _host.Switches.PageSize = 1;
        _host.Switches.SetThrottle("Microsoft.Authorization", requestsPerSecond: 2, burst: 1);
        var reader = Reader(out var governor);
        var path = $"/subscriptions/{Estate.Subscriptions[0].Id}/providers/Microsoft.Authorization/roleAssignments";

        var assignments = new List<string>();
        await foreach (var page in reader.PagesAsync(path, "2022-04-01", CancellationToken.None))
        {
            assignments.AddRange(page.Body.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("properties").GetProperty("principalType").GetString()!));
        }

        Assert.Equal(["User", "Group", "ServicePrincipal", "User", "User"], assignments);
        Assert.True(_host.Stats.Throttled > 0, "the estate throttled some reads");
        Assert.NotNull(governor.RateOf(new RateLane(Estate.PrincipalObjectId, Estate.Subscriptions[0].Id, "Microsoft.Authorization")));
    }

    [Fact]
    public async Task AuthorizationFailed_AndAMalformedBody_AreErrorsWithArmsCodes()
    {
        var reader = Reader(out _);
        var path = $"/subscriptions/{Estate.Subscriptions[1].Id}/providers/Microsoft.Authorization/roleAssignments";

        _host.Switches.AddFailure(new FailureRule { Service = "Microsoft.Authorization", Kind = FailureKind.AccessDenied, Times = 1 });
        var denied = await Assert.ThrowsAsync<ArmException>(() => reader.GetAsync(path, "2022-04-01", CancellationToken.None));
        Assert.Equal((403, "AuthorizationFailed"), (denied.Status, denied.Code));
        Assert.NotNull(denied.RequestId);

        _host.Switches.AddFailure(new FailureRule { Service = "Microsoft.Authorization", Kind = FailureKind.MalformedBody, Times = 1 });
        var malformed = await Assert.ThrowsAsync<ArmException>(() => reader.GetAsync(path, "2022-04-01", CancellationToken.None));
        Assert.Equal("MalformedResponse", malformed.Code);

        var missing = await Assert.ThrowsAsync<ArmException>(() => reader.GetAsync("/subscriptions/ffffffff-0000-4000-8000-000000000009", "2022-12-01", CancellationToken.None));
        Assert.Equal((404, "ResourceNotFound"), (missing.Status, missing.Code));
    }

    private ArmReader Reader(out AdaptiveRateGovernor governor) => AzureEstateFixture.Reader(_host, out governor);
}
