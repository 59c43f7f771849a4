using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace EvidenceCollector.Bundles.Tests;

/// <summary>The bundle's OSCAL assessment results validate against NIST's schema and say what the runs found.</summary>
public sealed class OscalTests(BundleFixture fixture) : IClassFixture<BundleFixture>
{
    [Fact]
    public void AssessmentResults_ValidateAgainstNistsSchema_WithOneResultPerRunAndEvidenceHashesInBackMatter()
    {
        var bundle = fixture.Export(new ExportRequest { Last = 2 });
        var text = System.Text.Encoding.UTF8.GetString(BundleFixture.Entries(bundle)[BundleFormat.Oscal]);

        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "oscal_assessment-results_schema.json")));
        using var document = JsonDocument.Parse(text);
        var evaluation = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, string.Join("\n", (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Take(20).Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")));

        // The schema's references resolve: a result without its uuid, or a finding state OSCAL does not know, is refused.
        var broken = JsonNode.Parse(text)!;
        broken["assessment-results"]!["results"]![0]!.AsObject().Remove("uuid");
        Assert.False(schema.Evaluate(JsonDocument.Parse(broken.ToJsonString()).RootElement).IsValid);
        var badState = JsonNode.Parse(text)!;
        badState["assessment-results"]!["results"]![0]!["findings"]![0]!["target"]!["status"]!["state"] = "incomplete";
        Assert.False(schema.Evaluate(JsonDocument.Parse(badState.ToJsonString()).RootElement).IsValid);

        var results = JsonNode.Parse(text)!["assessment-results"]!;
        var runs = results["results"]!.AsArray();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(93, r!["reviewed-controls"]!["control-selections"]![0]!["include-controls"]!.AsArray().Count));
        var observation = runs[0]!["observations"]![0]!;
        Assert.Equal("TEST", observation["methods"]![0]!.GetValue<string>());
        var resources = results["back-matter"]!["resources"]!.AsArray();
        var evidence = observation["relevant-evidence"]![0]!["href"]!.GetValue<string>()[1..];
        var resource = resources.Single(r => r!["uuid"]!.GetValue<string>() == evidence)!;
        var hash = resource["rlinks"]![0]!["hashes"]![0]!["value"]!.GetValue<string>();
        Assert.Equal($"../evidence/{hash}.json", resource["rlinks"]![0]!["href"]!.GetValue<string>());
        Assert.Contains(BundleFormat.Evidence(hash), BundleFixture.Entries(bundle).Keys);
        var finding = runs[0]!["findings"]!.AsArray().Single(f => f!["target"]!["target-id"]!.GetValue<string>() == "A.8.24")!;
        Assert.Equal("not-satisfied", finding["target"]!["status"]!["state"]!.GetValue<string>());
        Assert.Equal("non_compliant", finding["target"]!["props"]![0]!["value"]!.GetValue<string>());
        Assert.NotEmpty(finding["related-observations"]!.AsArray());

        // Deterministic: the same export gives the same document (UUIDs are name-based).
        var again = System.Text.Encoding.UTF8.GetString(BundleFixture.Entries(fixture.Export(new ExportRequest { Last = 2 }))[BundleFormat.Oscal]);
        Assert.Equal(text, again);
    }

    [Fact]
    public void Uuid_IsAVersion5NameBasedUuid()
    {
        var uuid = Oscal.Uuid("finding:run:A.8.24");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uuid);
        Assert.Equal(uuid, Oscal.Uuid("finding:run:A.8.24"));
        Assert.NotEqual(uuid, Oscal.Uuid("finding:run:A.8.25"));
    }
}
