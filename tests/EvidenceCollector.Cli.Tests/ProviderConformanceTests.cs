using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EvidenceCollector.Checks;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Collection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Cli.Tests;

/// <summary>
/// What every provider module of this build must hold, run over <see cref="ProviderModules.All"/> (a provider
/// added there is covered without touching this file): complete check metadata, ids well formed and unique
/// across providers, at least one mapping row per check (or a rule table the module declares), every evidence
/// kind a check reads produced by one of the provider's collectors, fixture files with pass, fail and error
/// cases, and resource ids for a whole target.
/// </summary>
public sealed partial class ProviderConformanceTests
{
    public static TheoryData<string> Providers()
    {
        var data = new TheoryData<string>();
        foreach (var module in ProviderModules.All)
        {
            data.Add(module.Provider.ToWire());
        }

        return data;
    }

    [Fact]
    public void All_OneModulePerProvider_AndCheckIdsUniqueAcrossProviders()
    {
        Assert.NotEmpty(ProviderModules.All);
        Assert.Equal(ProviderModules.All.Count, ProviderModules.All.Select(m => m.Provider).Distinct().Count());
        var checks = CheckDiscovery.Discover(ProviderModules.All);
        Assert.Equal(checks.Count, checks.Select(c => c.Metadata.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Module_DescribesItself(string provider)
    {
        var module = Module(provider);

        Assert.False(string.IsNullOrWhiteSpace(module.ConfigurationSection));
        Assert.NotNull(module.ResourceIdComparer);
        var accountLevel = module.TargetResourceId("123456789012", Target.Global);
        var regional = module.TargetResourceId("123456789012", "region-1");
        Assert.False(string.IsNullOrWhiteSpace(accountLevel));
        Assert.Contains("123456789012", accountLevel, StringComparison.Ordinal);
        Assert.Contains("region-1", regional, StringComparison.Ordinal);
        Assert.NotEqual(accountLevel, regional, module.ResourceIdComparer);
        Assert.NotEmpty(CheckDiscovery.Discover(module.CheckAssembly, module.Provider));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Checks_HaveCompleteMetadataAndWellFormedIds(string provider)
    {
        var module = Module(provider);
        var services = Collectors(module).Select(c => c.Descriptor.Service).ToHashSet(StringComparer.Ordinal);
        var idPattern = new Regex($"^{Regex.Escape(provider)}\\.[a-z0-9]+\\.[a-z0-9_]+$", RegexOptions.CultureInvariant);

        foreach (var check in CheckDiscovery.Discover(module.CheckAssembly, module.Provider))
        {
            var m = check.Metadata;
            Assert.Equal(module.Provider, m.Provider);
            Assert.True(idPattern.IsMatch(m.Id), $"{m.Id}: ids are {provider}.<service>.<snake_case_name>");
            Assert.True(services.Contains(m.Id.Split('.')[1]), $"{m.Id}: '{m.Id.Split('.')[1]}' is not the service of any {provider} collector ({string.Join(", ", services.Order())})");
            Assert.False(string.IsNullOrWhiteSpace(m.Title), $"{m.Id}: no title");
            Assert.False(string.IsNullOrWhiteSpace(m.Rationale), $"{m.Id}: no rationale");
            Assert.False(string.IsNullOrWhiteSpace(m.Remediation), $"{m.Id}: no remediation");
            Assert.False(string.IsNullOrWhiteSpace(m.ResourceType), $"{m.Id}: no resource type");
            Assert.True(m.EvidenceKinds.Count > 0, $"{m.Id}: reads no evidence kind");
            Assert.True(m.EvidenceKinds.Distinct(StringComparer.Ordinal).Count() == m.EvidenceKinds.Count, $"{m.Id}: a kind listed twice");
            Assert.True(Enum.IsDefined(m.Severity), $"{m.Id}: severity {m.Severity}");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Checks_OneClassPerFile_NamedAfterTheId(string provider)
    {
        var module = Module(provider);
        var folder = Path.Combine(Repo.Root(), "collectors", module.CheckAssembly.GetName().Name!);
        var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);
        var checks = CheckDiscovery.Discover(module.CheckAssembly, module.Provider);
        var names = checks.Select(c => c.GetType().Name).ToList();

        foreach (var check in checks)
        {
            var type = check.GetType().Name;
            var expected = string.Concat(check.Metadata.Id.Split('.')[^1].Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..])) + "Check";
            Assert.True(type == expected, $"{check.Metadata.Id}: the class is {type}; name it {expected} (after its id)");
            var declaring = sources.Where(s => s.Value.Contains($"namespace {check.GetType().Namespace};", StringComparison.Ordinal) && Regex.IsMatch(s.Value, $@"\bclass {type}\b")).Select(s => s.Key).ToList();
            Assert.True(declaring.Count == 1, $"{type}: declared in {declaring.Count} files");
            Assert.True(Path.GetFileName(declaring[0]) == type + ".cs", $"{type} lives in {Path.GetFileName(declaring[0])}, not {type}.cs");
            var others = names.Where(n => n != type && Regex.IsMatch(sources[declaring[0]], $@"\bclass {n}\b")).ToList();
            Assert.True(others.Count == 0, $"{type}.cs also declares {string.Join(", ", others)}");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Checks_ReadOnlyKindsTheProvidersCollectorsProduce(string provider)
    {
        var module = Module(provider);
        var collectors = Collectors(module);
        Assert.NotEmpty(collectors);
        Assert.All(collectors, c => Assert.Equal(module.Provider, c.Descriptor.Provider));
        Assert.Equal(collectors.Count, collectors.Select(c => c.Descriptor.Name).Distinct(StringComparer.Ordinal).Count());
        var produced = collectors.SelectMany(c => c.Descriptor.Kinds).ToHashSet(StringComparer.Ordinal);

        foreach (var check in CheckDiscovery.Discover(module.CheckAssembly, module.Provider))
        {
            foreach (var kind in check.Metadata.EvidenceKinds)
            {
                Assert.True(produced.Contains(kind), $"{check.Metadata.Id} reads '{kind}', which no {provider} collector produces");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Checks_EachMapsToAtLeastOneControl(string provider)
    {
        var module = Module(provider);
        var mapping = MappingTable.Load(Path.Combine(Repo.Root(), "mappings"), CheckDiscovery.Discover(ProviderModules.All).Select(c => c.Metadata));

        foreach (var check in CheckDiscovery.Discover(module.CheckAssembly, module.Provider))
        {
            var m = check.Metadata;
            if (m.DynamicMapping is { } table)
            {
                Assert.True(module.RuleTables.Contains(table), $"{m.Id} maps through '{table}', which {provider} does not declare in RuleTables");
                Assert.True(mapping.RuleTables.TryGetValue(table, out var rows) && rows.Count > 0, $"{m.Id}: rule table {table}.csv has no rows");
                Assert.All(rows!, r => Assert.False(string.IsNullOrWhiteSpace(r.Rationale), $"{table}.csv line {r.Line}: no rationale"));
            }
            else
            {
                Assert.True(mapping.ControlsForCheck(m.Id).Count > 0, $"{m.Id}: no row in check-controls.csv");
            }
        }

        foreach (var table in module.RuleTables)
        {
            Assert.True(mapping.RuleTables.ContainsKey(table), $"{provider} declares rule table '{table}' but mappings/iso27001-2022/{table}.csv is missing");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Checks_EachHasFixtureFilesWithPassFailAndErrorCases(string provider)
    {
        var module = Module(provider);
        var testdata = Path.Combine(Repo.Root(), "tests", module.CheckAssembly.GetName().Name + ".Tests", "testdata");
        Assert.True(Directory.Exists(testdata), $"{provider}: no fixture folder {testdata}");

        foreach (var check in CheckDiscovery.Discover(module.CheckAssembly, module.Provider))
        {
            var m = check.Metadata;
            var folder = Path.Combine(testdata, m.Id);
            Assert.True(Directory.Exists(folder), $"{m.Id}: no fixture folder testdata/{m.Id}/");
            var statuses = Directory.GetFiles(folder, "*.json")
                .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["expect"]!.AsArray().Select(x => x!["status"]!.GetValue<string>()))
                .ToHashSet(StringComparer.Ordinal);
            Assert.True(statuses.Contains("pass"), $"{m.Id}: no case expecting pass");
            Assert.True(statuses.Contains("fail") || m.DynamicMapping is not null, $"{m.Id}: no case expecting fail");
            Assert.True(statuses.Contains("error"), $"{m.Id}: no case expecting error");
        }
    }

    private static IProviderModule Module(string provider) =>
        ProviderModules.All.Single(m => m.Provider == WireText.Parse<Provider>(provider));

    /// <summary>The provider's collectors as the composition root registers them (nothing is called).</summary>
    private static List<ICollector> Collectors(IProviderModule module)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{module.ConfigurationSection}:Enabled"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        module.AddServices(services, configuration);
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<ICollector>()];
    }

}
