using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Checks;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;

namespace EvidenceCollector.Cli.Tests;

/// <summary>
/// Every case of every provider's checks, under <c>tests/&lt;provider test project&gt;/testdata/&lt;check-id&gt;/&lt;case&gt;.json</c>:
/// <c>{"evidence": [{"kind", "payload", "resourceId"?, "region"?}], "account"?, "incompleteKinds"?: [...], "expect": [{"resourceId", "status"}]}</c>
/// (<c>incompleteKinds</c>: kinds whose listing failed, as the runner reports them to the check). What a case leaves out
/// comes from the folder's <c>defaults.json</c> (<c>account</c>, <c>region</c>, and a <c>resourceId</c> pattern over
/// <c>{region}</c>, <c>{account}</c>, <c>{hash8}</c>). The check named by the folder judges the evidence; the findings
/// must be exactly the expected ones (resource id and status, in any order). Adding a case is adding a file.
/// </summary>
public sealed class CheckFixtureFileTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var module in ProviderModules.All)
        {
            foreach (var dir in Directory.GetDirectories(Testdata(module)).Order(StringComparer.Ordinal))
            {
                foreach (var file in Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal))
                {
                    data.Add(module.Provider.ToWire(), Path.GetFileName(dir), Path.GetFileNameWithoutExtension(file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_Evidence_GivesTheExpectedFindings(string provider, string checkId, string caseName)
    {
        var module = ProviderModules.All.Single(m => m.Provider.ToWire() == provider);
        var check = CheckDiscovery.Discover(module.CheckAssembly, module.Provider).SingleOrDefault(c => c.Metadata.Id == checkId);
        Assert.True(check is not null, $"testdata/{checkId}: no {provider} check with that id");
        var defaults = JsonNode.Parse(File.ReadAllText(Path.Combine(Testdata(module), "defaults.json")))!.AsObject();
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(Testdata(module), checkId, caseName + ".json")))!.AsObject();
        var account = doc["account"]?.GetValue<string>() ?? defaults["account"]!.GetValue<string>();
        var items = doc["evidence"]!.AsArray().Select(e =>
        {
            var kind = e!["kind"]!.GetValue<string>();
            var json = e["payload"]!.ToJsonString();
            var region = e["region"]?.GetValue<string>() ?? defaults["region"]!.GetValue<string>();
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kind + json + region)));
            var resourceId = e["resourceId"]?.GetValue<string>()
                ?? defaults["resourceId"]!.GetValue<string>().Replace("{region}", region, StringComparison.Ordinal).Replace("{account}", account, StringComparison.Ordinal).Replace("{hash8}", hash[..8], StringComparison.Ordinal);
            return new EvidenceItem(kind, account, region, resourceId, hash, JsonDocument.Parse(json).RootElement.Clone());
        }).ToArray();
        Assert.All(items, i => Assert.Contains(i.Kind, check!.Metadata.EvidenceKinds));
        var expected = doc["expect"]!.AsArray()
            .Select(x => (Resource: x!["resourceId"]!.GetValue<string>(), Status: WireText.Parse<FindingStatus>(x["status"]!.GetValue<string>())))
            .OrderBy(x => x.Resource, StringComparer.Ordinal).ThenBy(x => x.Status).ToList();

        var incomplete = doc["incompleteKinds"]?.AsArray().Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var actual = check!.Evaluate(new CheckInput(module.Provider, account, items, incomplete)).Select(r => (Resource: r.ResourceId, r.Status))
            .OrderBy(x => x.Resource, StringComparer.Ordinal).ThenBy(x => x.Status).ToList();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Testdata_EveryFolder_NamesACheckOfItsProviderAndHoldsCasesWithExpectations()
    {
        foreach (var module in ProviderModules.All)
        {
            var ids = CheckDiscovery.Discover(module.CheckAssembly, module.Provider).Select(c => c.Metadata.Id).ToHashSet(StringComparer.Ordinal);
            Assert.True(File.Exists(Path.Combine(Testdata(module), "defaults.json")), $"{module.Provider.ToWire()}: testdata/defaults.json is missing");
            foreach (var dir in Directory.GetDirectories(Testdata(module)))
            {
                Assert.Contains(Path.GetFileName(dir), ids);
                Assert.NotEmpty(Directory.GetFiles(dir, "*.json"));
                foreach (var file in Directory.GetFiles(dir, "*.json"))
                {
                    var doc = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
                    Assert.True(doc.TryGetProperty("expect", out var expect) && expect.GetArrayLength() > 0, $"{file}: no expected finding");
                }
            }
        }
    }

    private static string Testdata(IProviderModule module) =>
        Path.Combine(Repo.Root(), "tests", module.CheckAssembly.GetName().Name + ".Tests", "testdata");

}
