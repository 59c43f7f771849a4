using System.Text.Json;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Collectors.Azure.Tests.Api;
using EvidenceCollector.Estate;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Tests;

/// <summary>
/// The collectors against the emulated estate (ARM's shapes and traps, over HTTPS with the managed identity): related
/// reads stored with their resource, ids without a leading slash, a TDE state whose id is its database's, security
/// contacts on the older api-version where the newer is refused, an unregistered resource provider, Policy Insights
/// query pages, and failures that stay errors of their own kind.
/// </summary>
[Collection(IdentityEnvironment.Name)]
public sealed class CollectorEstateTests(AzureEstateFixture fixture)
{
    private const string Production = "00000000-0000-4000-8000-000000000001";
    private const string Sandbox = "00000000-0000-4000-8000-000000000002";
    private readonly EstateHost _host = fixture.Reset(pageSize: 2);

    private async Task<CollectionResult> CollectAsync(Func<ArmReader, ICollector> make, string subscription)
    {
        var reader = AzureEstateFixture.Reader(_host, out _);
        return await make(reader).CollectAsync(new CollectionContext(new Target(Provider.Azure, subscription, Target.Global), null), CancellationToken.None);
    }

    private static JsonElement Payload(EvidenceRecord record) => JsonDocument.Parse(record.Payload.ToJsonString()).RootElement;

    [Fact]
    public async Task Monitor_SubscriptionDiagnosticSettingWithoutLeadingSlash_GetsOneInItsRecordAndKeepsArmsIdInThePayload()
    {
        var result = await CollectAsync(r => new Monitor.MonitorCollector(r), Production);

        Assert.Empty(result.Errors);
        var setting = Assert.Single(result.Records, r => r.Kind == AzureKinds.DiagnosticSetting);
        Assert.Equal($"/subscriptions/{Production}/providers/AzureResourceManager/diagnosticSettings/export-activity-log", setting.ResourceId);
        Assert.Equal($"subscriptions/{Production}/providers/AzureResourceManager/diagnosticSettings/export-activity-log", Payload(setting).GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, Payload(setting).GetProperty("type").ValueKind);
        Assert.Equal(7, result.Records.Count(r => r.Kind == AzureKinds.ActivityLogAlert));
        Assert.All(result.Records.Where(r => r.Kind == AzureKinds.ActivityLogAlert), a => Assert.Equal("global", a.Region));
        Assert.Equal(2, result.Records.Count(r => r.Kind == AzureKinds.Workspace));
    }

    [Fact]
    public async Task Sql_ServersCarryTheirRelatedReads_AndDatabasesTheirTdeWhoseIdIsTheDatabases()
    {
        var result = await CollectAsync(r => new Sql.SqlCollector(r), Production);

        Assert.Empty(result.Errors);
        var prod = Payload(Assert.Single(result.Records, r => r.ResourceId.EndsWith("/servers/sql-prod-01", StringComparison.Ordinal)));
        Assert.Equal("Enabled", prod.GetProperty("related").GetProperty("auditingSettings").GetProperty("properties").GetProperty("state").GetString());
        Assert.Equal("ActiveDirectory", prod.GetProperty("related").GetProperty("administrators").GetProperty("value")[0].GetProperty("properties").GetProperty("administratorType").GetString());
        Assert.Equal(0, prod.GetProperty("related").GetProperty("firewallRules").GetProperty("value").GetArrayLength());
        var legacy = Payload(Assert.Single(result.Records, r => r.ResourceId.EndsWith("/servers/sql-legacy", StringComparison.Ordinal)));
        Assert.Equal(2, legacy.GetProperty("related").GetProperty("firewallRules").GetProperty("value").GetArrayLength());

        var databases = result.Records.Where(r => r.Kind == AzureKinds.SqlDatabase).ToList();
        Assert.Equal(["appdb", "legacydb", "master"], databases.Select(d => d.ResourceId.Split('/')[^1]).Order(StringComparer.Ordinal));
        var appdb = Payload(databases.Single(d => d.ResourceId.EndsWith("/appdb", StringComparison.Ordinal)));
        var tde = appdb.GetProperty("related").GetProperty("transparentDataEncryption").GetProperty("value")[0];
        Assert.Equal(("current", "Enabled"), (tde.GetProperty("name").GetString(), tde.GetProperty("properties").GetProperty("state").GetString()));
        Assert.Equal(appdb.GetProperty("id").GetString(), tde.GetProperty("id").GetString());
        Assert.Contains(databases.Single(d => d.ResourceId.EndsWith("/appdb", StringComparison.Ordinal)).Provenance.Operations, o => o.Contains("/transparentDataEncryption", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sql_UnregisteredResourceProvider_IsNotApplicableWithTheReason_NotAnError()
    {
        var result = await CollectAsync(r => new Sql.SqlCollector(r), Sandbox);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Records);
        var note = Assert.Single(result.NotApplicable);
        Assert.Equal([AzureKinds.SqlServer, AzureKinds.SqlDatabase], note.Kinds);
        Assert.Contains("Microsoft.Sql is not registered", note.Reason, StringComparison.Ordinal);
        Assert.Contains("MissingSubscriptionRegistration", note.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_ADeniedRelatedRead_IsAnErrorSectionInTheServersRecord_AndADeniedServerListAnErrorForServersAndDatabases()
    {
        _host.Switches.AddFailure(new FailureRule { Service = "Microsoft.Sql", Operation = "servers/auditingSettings", Kind = FailureKind.AccessDenied });
        var partial = await CollectAsync(r => new Sql.SqlCollector(r), Production);
        Assert.Empty(partial.Errors);
        var server = Payload(partial.Records.First(r => r.Kind == AzureKinds.SqlServer));
        Assert.Equal("AuthorizationFailed", server.GetProperty("related").GetProperty("auditingSettings").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Object, server.GetProperty("related").GetProperty("firewallRules").ValueKind);

        _host.Switches.ClearFailures();
        _host.Switches.AddFailure(new FailureRule { Service = "Microsoft.Sql", Operation = "servers", Kind = FailureKind.AccessDenied });
        var denied = await CollectAsync(r => new Sql.SqlCollector(r), Production);
        var error = Assert.Single(denied.Errors);
        Assert.Equal(("AuthorizationFailed", 2), (error.Code, error.Kinds.Count));
        Assert.Empty(denied.Records);
    }

    [Fact]
    public async Task Defender_SecurityContacts_FallBackToTheOlderApiVersionWhereTheNewerIsRefused()
    {
        var sandbox = await CollectAsync(r => new Defender.DefenderCollector(r), Sandbox);
        var production = await CollectAsync(r => new Defender.DefenderCollector(r), Production);

        Assert.Empty(sandbox.Errors);
        Assert.Empty(production.Errors);
        var old = Assert.Single(sandbox.Records, r => r.Kind == AzureKinds.SecurityContact);
        Assert.Contains(old.Provenance.Operations, o => o.Contains("2020-01-01-preview", StringComparison.Ordinal));
        var current = Assert.Single(production.Records, r => r.Kind == AzureKinds.SecurityContact);
        Assert.Contains(current.Provenance.Operations, o => o.Contains("2023-12-01-preview", StringComparison.Ordinal));
        Assert.Equal(9, production.Records.Count(r => r.Kind == AzureKinds.DefenderPricing));
        Assert.Single(production.Records, r => r.Kind == AzureKinds.AutoProvisioning);
    }

    [Fact]
    public async Task Network_FlowLogsAreReadWithTheirWatcher_WhoseItemsSayFlowLogsInAnotherCase()
    {
        var result = await CollectAsync(r => new Network.NetworkCollector(r), Production);

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Records.Count(r => r.Kind == AzureKinds.NetworkSecurityGroup));
        var watcher = Payload(Assert.Single(result.Records, r => r.Kind == AzureKinds.NetworkWatcher));
        var log = watcher.GetProperty("related").GetProperty("flowLogs").GetProperty("value")[0];
        Assert.Equal("Microsoft.Network/networkWatchers/FlowLogs", log.GetProperty("type").GetString());

        _host.Switches.AddFailure(new FailureRule { Service = "Microsoft.Network", Operation = "networkSecurityGroups", Kind = FailureKind.MalformedBody });
        var malformed = await CollectAsync(r => new Network.NetworkCollector(r), Production);
        var error = Assert.Single(malformed.Errors);
        Assert.Equal(("MalformedResponse", AzureKinds.NetworkSecurityGroup), (error.Code, error.Kinds.Single()));
        Assert.Contains(malformed.Records, r => r.Kind == AzureKinds.VirtualNetwork);
    }

    [Fact]
    public async Task Policy_EveryStateIsReadThroughODataNextLinkPages_WithTheSummaryAndAssignments()
    {
        var result = await CollectAsync(r => new Policy.PolicyCollector(r), Production);

        Assert.Empty(result.Errors);
        var states = result.Records.Where(r => r.Kind == AzureKinds.PolicyState).ToList();
        Assert.Equal(AzureEstateFixture.Estate.Subscriptions[0].PolicyStates.Count, states.Count);
        // Each state carries its evaluation time (as answered) and the time of the answer, so staleness can be judged.
        Assert.All(states, s => Assert.True(Payload(s).GetProperty("collectedAt").GetDateTimeOffset() - Payload(s).GetProperty("timestamp").GetDateTimeOffset() < TimeSpan.FromDays(1)));
        Assert.True(_host.Stats.CallsTo("Microsoft.PolicyInsights", "policyStates/queryResults/action") >= states.Count / 2, "the states came in pages of two");
        var summary = Payload(Assert.Single(result.Records, r => r.Kind == AzureKinds.PolicySummary));
        Assert.True(summary.GetProperty("value")[0].GetProperty("results").GetProperty("nonCompliantResources").GetInt32() > 0);
        Assert.Equal(3, result.Records.Count(r => r.Kind == AzureKinds.PolicyAssignment));
    }
}
