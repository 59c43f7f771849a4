using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Bundles;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.Store;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>What re-performing a bundle's checks found.</summary>
public sealed record ReperformReport(int Compared, IReadOnlyList<string> Differences, int NotReperformed, string BundleTool, string ThisTool)
{
    public bool Identical => Differences.Count == 0;
}

/// <summary>
/// Re-performs the checks of this tool version over a bundle's raw evidence and compares the results with the
/// bundle's findings. Per run and account, every payload the envelopes name is handed to every check of its provider
/// that reads its kind, as a run does. The findings a check derives from evidence (they cite some) are compared as
/// (check, account, resource, status); findings that cite none (a region with nothing in it, evidence that could not
/// be collected) come from what the run learnt while collecting, which the bundle does not hold, and are counted as not
/// re-performed. A bundle made by another tool version is reported, not treated as tampering. One account's evidence
/// is held in memory at a time.
/// </summary>
public static class Reperformance
{
    public static ReperformReport Run(string bundle, IReadOnlyList<ICheck> checks, string thisTool)
    {
        using var zip = ZipFile.OpenRead(bundle);
        string Text(string name)
        {
            using var reader = new StreamReader((zip.GetEntry(name) ?? throw new BundleProblem($"{name}: missing")).Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        }

        IEnumerable<string> Lines(string name) => Text(name).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var manifest = JsonNode.Parse(Text(BundleFormat.Manifest))!;
        var differences = new List<string>();
        var compared = 0;
        var notReperformed = 0;
        var byId = checks.ToDictionary(c => c.Metadata.Id, StringComparer.Ordinal);
        foreach (var run in manifest["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()))
        {
            var envelopes = Lines(BundleFormat.Envelopes(run)).Select(Envelope.Parse).ToList();
            var stored = Lines(BundleFormat.Findings(run)).Select(l => JsonNode.Parse(l)!).ToList();
            foreach (var group in envelopes.GroupBy(e => (e.Provider, e.Account)))
            {
                var items = group.Select(e =>
                {
                    using var document = JsonDocument.Parse(Text(BundleFormat.Evidence(e.EvidenceHash)));
                    return new EvidenceItem(e.Kind, e.Account, e.Region, e.ResourceId, e.EvidenceHash, document.RootElement.Clone());
                }).ToList();
                var expected = new List<string>();
                foreach (var f in stored.Where(f => f["provider"]!.GetValue<string>() == group.Key.Provider.ToWire() && f["account"]!.GetValue<string>() == group.Key.Account))
                {
                    if (f["evidence"]!.AsArray().Count == 0)
                    {
                        notReperformed++;
                        continue;
                    }

                    expected.Add(Key(f["checkId"]!.GetValue<string>(), f["resourceId"]!.GetValue<string>(), f["status"]!.GetValue<string>()));
                }

                var actual = new List<string>();
                foreach (var check in checks.Where(c => c.Metadata.Provider == group.Key.Provider))
                {
                    var kinds = check.Metadata.EvidenceKinds.ToHashSet(StringComparer.Ordinal);
                    var input = items.Where(i => kinds.Contains(i.Kind)).ToList();
                    if (input.Count == 0)
                    {
                        continue;
                    }

                    List<CheckResult> results;
                    try
                    {
                        results = check.Evaluate(new CheckInput(group.Key.Provider, group.Key.Account, input)).ToList();
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        results = [FindingRules.CheckFailed(group.Key.Account, e, input)];
                    }

                    actual.AddRange(results.Where(r => r.EvidenceHashes.Count > 0).Select(r => Key(r.CheckId ?? check.Metadata.Id, r.ResourceId, r.Status.ToWire())));
                }

                compared += expected.Count;
                foreach (var missing in Except(expected, actual))
                {
                    differences.Add($"run {run}, {group.Key.Provider.ToWire()} {group.Key.Account}: the bundle has {Describe(missing)}, which re-performing the checks does not give" + (byId.ContainsKey(missing.Split('\t')[0]) || missing.Split('\t')[0].Contains(".config.rule.") || missing.Split('\t')[0].Contains(".policy.definition.") ? string.Empty : " (no such check in this version)"));
                }

                foreach (var extra in Except(actual, expected))
                {
                    differences.Add($"run {run}, {group.Key.Provider.ToWire()} {group.Key.Account}: re-performing the checks gives {Describe(extra)}, which the bundle does not have");
                }
            }
        }

        return new ReperformReport(compared, differences, notReperformed, manifest["toolVersion"]?.GetValue<string>() ?? "unknown", thisTool);
    }

    private static string Key(string check, string resource, string status) => $"{check}\t{resource.ToLowerInvariant()}\t{status}";

    private static string Describe(string key)
    {
        var parts = key.Split('\t');
        return $"{parts[0]} on {parts[1]}: {parts[2]}";
    }

    /// <summary>Multiset difference: what <paramref name="a"/> holds more often than <paramref name="b"/>.</summary>
    private static IEnumerable<string> Except(List<string> a, List<string> b)
    {
        var counts = b.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var x in a.Order(StringComparer.Ordinal))
        {
            if (counts.TryGetValue(x, out var n) && n > 0)
            {
                counts[x] = n - 1;
            }
            else
            {
                yield return x;
            }
        }
    }
}
