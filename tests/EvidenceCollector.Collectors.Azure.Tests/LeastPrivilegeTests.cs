using System.Text.Json;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Authorization;
using EvidenceCollector.Collectors.Azure.Tests.Api;
using EvidenceCollector.Estate;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Tests;

/// <summary>
/// <c>deploy/azure/evidence-collector-role.json</c> holds exactly the reads the code issues: the planner (with a
/// management group) and every collector run against the estate, every Resource Manager operation the estate saw is
/// mapped to its action, and each must be in the role; every action in the role must be a read the code uses.
/// </summary>
[Collection(IdentityEnvironment.Name)]
public sealed class LeastPrivilegeTests(AzureEstateFixture fixture)
{
    private readonly EstateHost _host = fixture.Reset(pageSize: 100);

    [Fact]
    public async Task Role_HoldsExactlyTheReadActionsTheCodeIssues()
    {
        _host.Stats.Reset();
        var reader = AzureEstateFixture.Reader(_host, out _);
        var plan = await new AzureTargetPlanner(reader, new AzureOptions { Enabled = true, ManagementGroup = "contoso-prod" }, AzureEstateFixture.Credential(_host)).PlanAsync(RunScope.All, CancellationToken.None);
        ICollector[] collectors = [new AuthorizationCollector(reader), new Storage.StorageCollector(reader), new KeyVault.KeyVaultCollector(reader), new Monitor.MonitorCollector(reader),
            new Compute.ComputeCollector(reader), new Network.NetworkCollector(reader), new Sql.SqlCollector(reader), new Defender.DefenderCollector(reader), new Policy.PolicyCollector(reader)];
        foreach (var target in plan.Targets.Where(t => t.Outcome == TargetOutcome.Evaluated))
        {
            foreach (var collector in collectors)
            {
                var result = await collector.CollectAsync(new CollectionContext(target.Target, target.Session), CancellationToken.None);
                Assert.Empty(result.Errors);
            }
        }

        var issued = _host.Stats.Calls.Keys.Where(k => !k.StartsWith("identity:", StringComparison.Ordinal)).Select(Action).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var role = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root(), "deploy", "azure", "evidence-collector-role.json"))).RootElement;
        var granted = role.GetProperty("Actions").EnumerateArray().Select(a => a.GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.NotEmpty(issued);
        Assert.All(issued, a => Assert.True(granted.Contains(a), $"the code issues {a}, which the role does not grant"));
        Assert.All(granted, a => Assert.True(issued.Contains(a), $"the role grants {a}, which no code issues"));
        Assert.All(granted, a => Assert.True(a.EndsWith("/read", StringComparison.Ordinal) || a.StartsWith("Microsoft.PolicyInsights/", StringComparison.Ordinal), $"{a} is not a read"));
        Assert.Empty(role.GetProperty("DataActions").EnumerateArray());
    }

    /// <summary>The action of an estate call key (<c>resource provider:resource type</c>).</summary>
    private static string Action(string call)
    {
        var (provider, type) = (call.Split(':')[0], call.Split(':')[1]);
        return (provider, type) switch
        {
            ("Microsoft.Resources", "subscriptions") => "Microsoft.Resources/subscriptions/read",
            _ when type.EndsWith("/action", StringComparison.Ordinal) => $"{provider}/{type}",
            _ => $"{provider}/{type}/read",
        };
    }

    private static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EvidenceCollector.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return root.FullName;
    }
}
