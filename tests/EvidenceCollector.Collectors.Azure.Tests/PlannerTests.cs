using Microsoft.Extensions.Configuration;
using EvidenceCollector.Collectors.Azure.Tests.Api;
using EvidenceCollector.Estate;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Tests;

/// <summary>Subscriptions as targets, against the emulated estate through the real credential path.</summary>
[Collection(IdentityEnvironment.Name)]
public sealed class PlannerTests
{
    private const string Production = "00000000-0000-4000-8000-000000000001";
    private const string Sandbox = "00000000-0000-4000-8000-000000000002";
    private const string Retired = "00000000-0000-4000-8000-000000000003";
    private readonly EstateHost _host;

    public PlannerTests(AzureEstateFixture fixture) => _host = fixture.Reset(pageSize: 1);

    [Fact]
    public async Task EveryVisibleSubscription_EnabledAndWarnedCollected_DisabledSkipped_WithProvenance()
    {
        var plan = await Planner(new AzureOptions { Enabled = true }).PlanAsync(RunScope.All, CancellationToken.None);

        Assert.Equal(
            [(Production, TargetOutcome.Evaluated), (Sandbox, TargetOutcome.Evaluated), (Retired, TargetOutcome.Skipped)],
            plan.Targets.Select(t => (t.Target.Account, t.Outcome)));
        Assert.All(plan.Targets, t => Assert.Equal((Provider.Azure, Target.Global), (t.Target.Provider, t.Target.Region)));
        Assert.Contains("subscription state Warned (collected)", plan.Targets.Single(t => t.Target.Account == Sandbox).Detail, StringComparison.Ordinal);
        Assert.Contains("subscription state Disabled: not collected", plan.Targets.Single(t => t.Target.Account == Retired).Detail, StringComparison.Ordinal);

        var production = plan.Records.Where(r => r.Target.Account == Production).Select(r => r.Record).ToList();
        var subscription = Assert.Single(production, r => r.Kind == AzureTargetPlanner.SubscriptionKind);
        Assert.Equal(($"/subscriptions/{Production}", "Production"), (subscription.ResourceId, subscription.Payload["displayName"]!.GetValue<string>()));
        Assert.Equal("GET /subscriptions", subscription.Provenance.Operations.Single());
        Assert.NotNull(subscription.Provenance.RequestId);
        var principal = Assert.Single(production, r => r.Kind == AzureTargetPlanner.PrincipalKind);
        Assert.Equal(AzureEstateFixture.Estate.TenantId, principal.Payload["tid"]!.GetValue<string>());
        Assert.Equal(AzureEstateFixture.Estate.PrincipalObjectId, principal.Payload["oid"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConfiguredSubscriptions_AnInvisibleOneIsAnErroredTarget_NeverDropped()
    {
        var unknown = "ffffffff-0000-4000-8000-00000000dead";
        var plan = await Planner(new AzureOptions { Subscriptions = [Sandbox.ToUpperInvariant(), unknown] }).PlanAsync(RunScope.All, CancellationToken.None);

        Assert.Equal([(Sandbox, TargetOutcome.Evaluated), (unknown, TargetOutcome.Errored)], plan.Targets.Select(t => (t.Target.Account, t.Outcome)));
        Assert.Contains("not visible to the credential", plan.Targets[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementGroup_OnlyItsSubscriptions()
    {
        var plan = await Planner(new AzureOptions { Enabled = true, ManagementGroup = "contoso-prod" }).PlanAsync(RunScope.All, CancellationToken.None);

        Assert.Equal([(Production, TargetOutcome.Evaluated)], plan.Targets.Select(t => (t.Target.Account, t.Outcome)));
    }

    [Fact]
    public async Task ListingDenied_IsAnErroredTargetAndAnErrorForEveryKind()
    {
        _host.Switches.AddFailure(new FailureRule { Service = "Microsoft.Resources", Operation = "subscriptions", Kind = FailureKind.AccessDenied, Times = 1 });
        try
        {
            var plan = await Planner(new AzureOptions { Enabled = true }).PlanAsync(RunScope.All, CancellationToken.None);

            var target = Assert.Single(plan.Targets);
            Assert.Equal(TargetOutcome.Errored, target.Outcome);
            var (_, error) = Assert.Single(plan.Errors);
            Assert.Equal(("AuthorizationFailed", "*"), (error.Code, error.Kinds.Single()));
        }
        finally
        {
            _host.Switches.ClearFailures();
        }
    }

    private AzureTargetPlanner Planner(AzureOptions options) =>
        new(AzureEstateFixture.Reader(_host, out _), options, AzureEstateFixture.Credential(_host));
}

public sealed class AzureOptionsTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("true", null, null, true)]
    [InlineData("false", "00000000-0000-4000-8000-000000000001", null, false)]
    [InlineData(null, "00000000-0000-4000-8000-000000000001", null, true)]
    [InlineData(null, null, "contoso", true)]
    public void Configured_WhenEnabledOrSubscriptionsOrManagementGroup(string? enabled, string? subscription, string? group, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Azure:Enabled"] = enabled,
            ["Azure:Subscriptions:0"] = subscription,
            ["Azure:ManagementGroup"] = group,
        }).Build();

        Assert.Equal(expected, AzureOptions.IsConfigured(configuration));
    }

    [Fact]
    public void Problems_NameTheirKeys()
    {
        var options = new AzureOptions
        {
            Cloud = "AzureGermanCloud",
            Subscriptions = ["00000000-0000-4000-8000-000000000001", "prod"],
            AuthorityHost = "http://login.example",
            MaxConcurrentCalls = 0,
        };

        var problems = options.Problems().ToList();

        Assert.Contains(problems, p => p.StartsWith("Azure:Cloud: 'AzureGermanCloud'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Azure:Subscriptions:1: 'prod' is not a subscription id", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Azure:AuthorityHost:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Azure:MaxConcurrentCalls:", StringComparison.Ordinal));
        Assert.Empty(new AzureOptions().Problems());
    }

    [Fact]
    public void Clouds_GiveEndpointAudienceAndAuthority_ACustomAuthorityDisablesDiscovery()
    {
        var china = new AzureOptions { Cloud = "AzureChinaCloud" };
        Assert.Equal(("https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/"), (china.ResourceManager.ToString(), china.Authority.ToString()));
        Assert.False(china.CustomAuthority);
        Assert.Equal("https://management.azure.com/", new AzureOptions().TokenAudience);

        var stack = new AzureOptions { Cloud = "AzureStackHub", ResourceManagerEndpoint = "https://management.local.azurestack.external/", AuthorityHost = "https://adfs.local.azurestack.external/adfs/" };
        Assert.Empty(stack.Problems());
        Assert.True(stack.CustomAuthority);
        Assert.Equal("https://management.local.azurestack.external/", stack.TokenAudience);
    }
}
