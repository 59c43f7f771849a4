using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Checks;

/// <summary>
/// Every case under <c>testdata/&lt;check-id&gt;/&lt;case&gt;.json</c>:
/// <c>{"evidence": [{"kind", "payload", "resourceId"?, "region"?}], "incompleteKinds"?: [...], "expect": [{"resourceId", "status"}]}</c>
/// (<c>incompleteKinds</c>: kinds whose listing failed, as the runner reports them to the check).
/// The check named by the folder judges the evidence; the findings must be exactly the expected ones (resource
/// id and status, in any order). Adding a case is adding a file.
/// </summary>
public sealed class CheckFixtureFileTests
{
    private static readonly string Root = Path.Combine(Repo.Root, "tests", "EvidenceCollector.Collectors.Aws.Tests", "testdata");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir), Path.GetFileNameWithoutExtension(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_Evidence_GivesTheExpectedFindings(string checkId, string caseName)
    {
        var check = AwsChecks.All.SingleOrDefault(c => c.Metadata.Id == checkId);
        Assert.True(check is not null, $"testdata/{checkId}: no check with that id");
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, checkId, caseName + ".json")))!.AsObject();
        var items = doc["evidence"]!.AsArray().Select(e => Evidence.Item(
            e!["kind"]!.GetValue<string>(),
            e["payload"]!.ToJsonString(),
            e["region"]?.GetValue<string>() ?? "eu-west-1",
            e["resourceId"]?.GetValue<string>())).ToArray();
        Assert.All(items, i => Assert.Contains(i.Kind, check.Metadata.EvidenceKinds));
        var expected = doc["expect"]!.AsArray()
            .Select(x => (Resource: x!["resourceId"]!.GetValue<string>(), Status: WireText.Parse<FindingStatus>(x["status"]!.GetValue<string>())))
            .OrderBy(x => x.Resource, StringComparer.Ordinal).ThenBy(x => x.Status).ToList();

        var incomplete = doc["incompleteKinds"]?.AsArray().Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var actual = check!.Evaluate(new CheckInput(Provider.Aws, Evidence.Account, items, incomplete)).Select(r => (Resource: r.ResourceId, r.Status))
            .OrderBy(x => x.Resource, StringComparer.Ordinal).ThenBy(x => x.Status).ToList();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Cases_CoverEveryBuiltInCheck_WithPassAndFail()
    {
        var statuses = Directory.GetDirectories(Root).ToDictionary(
            d => Path.GetFileName(d),
            d => Directory.GetFiles(d, "*.json").SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["expect"]!.AsArray().Select(x => x!["status"]!.GetValue<string>())).ToHashSet(),
            StringComparer.Ordinal);
        foreach (var check in AwsChecks.All)
        {
            Assert.True(statuses.TryGetValue(check.Metadata.Id, out var seen), $"{check.Metadata.Id}: no fixture folder testdata/{check.Metadata.Id}/");
            Assert.True(seen.Contains("pass") && (seen.Contains("fail") || check.Metadata.DynamicMapping is not null), $"{check.Metadata.Id}: fixtures need a pass and a fail case (have {string.Join(", ", seen)})");
            Assert.Contains("error", seen);
        }
    }

    [Fact]
    public void Testdata_EveryFolder_NamesACheckAndHoldsCases()
    {
        var ids = AwsChecks.All.Select(c => c.Metadata.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var dir in Directory.GetDirectories(Root))
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
