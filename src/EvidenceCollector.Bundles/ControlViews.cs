using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Bundles;

/// <summary>One run as the views show it: its control results over the exported subset, its targets and counts.</summary>
public sealed record RunView(RunInfo Run, IReadOnlyList<ControlResult> Controls, IReadOnlyList<TargetReport> Targets, IReadOnlyDictionary<FindingStatus, int> Findings);

/// <summary>
/// The per-control views of an export, built run by run: control results over the subset the request selects
/// (recomputed from the selected findings when a provider or account filter narrows them), the findings behind each
/// control spooled to a temporary file (so they are not held in memory), and what the SoA and report need.
/// </summary>
public sealed class ControlViews(string spool, MappingTable mapping, ExportRequest request)
{
    private readonly Dictionary<string, StreamWriter> _spooled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _spooledCount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _evidenceByControl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _latestByControl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Finding>> _samples = new(StringComparer.Ordinal);

    public List<RunView> Runs { get; } = [];

    public MappingTable Mapping => mapping;

    public ExportRequest Request => request;

    public bool Filtered => request.Providers.Count > 0 || request.Accounts.Count > 0;

    public bool InSubset(Finding f) =>
        (request.Providers.Count == 0 || request.Providers.Contains(f.Provider.ToWire(), StringComparer.OrdinalIgnoreCase))
        && (request.Accounts.Count == 0 || request.Accounts.Contains(f.Account, StringComparer.OrdinalIgnoreCase));

    public bool Shown(string controlId) => request.Controls.Count == 0 || request.Controls.Contains(controlId, StringComparer.OrdinalIgnoreCase);

    public Exclusion? ExclusionOf(string controlId) => request.Exclusions.FirstOrDefault(e => string.Equals(e.Control, controlId, StringComparison.OrdinalIgnoreCase));

    public void Add(RunInfo run, IReadOnlyList<ControlResult> controls, IReadOnlyList<TargetReport> targets, IReadOnlyList<Finding> findings, IReadOnlyDictionary<string, DateTimeOffset> answeredAt)
    {
        var subset = findings.Where(InSubset).ToList();
        var results = Filtered
            ? ControlEvaluator.Evaluate(mapping.Controls, controls.ToDictionary(c => c.ControlId, c => (IReadOnlySet<string>)c.Checks.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal), subset)
            : controls;
        var targetsShown = targets.Where(t => (request.Providers.Count == 0 || request.Providers.Contains(t.Target.Provider.ToWire(), StringComparer.OrdinalIgnoreCase))
            && (request.Accounts.Count == 0 || request.Accounts.Contains(t.Target.Account, StringComparer.OrdinalIgnoreCase))).ToList();
        Runs.Add(new RunView(run, results, targetsShown, subset.GroupBy(f => f.Status).ToDictionary(g => g.Key, g => g.Count())));
        foreach (var f in subset)
        {
            foreach (var control in f.Controls.Where(Shown))
            {
                if (!_spooled.TryGetValue(control, out var writer))
                {
                    _spooled[control] = writer = new StreamWriter(Path.Combine(spool, control + ".jsonl"), false, new UTF8Encoding(false)) { NewLine = "\n" };
                }

                writer.WriteLine(new JsonObject
                {
                    ["runId"] = f.RunId,
                    ["finding"] = CanonicalForms.FindingHash(f),
                    ["checkId"] = f.CheckId,
                    ["provider"] = f.Provider.ToWire(),
                    ["account"] = f.Account,
                    ["region"] = f.Region,
                    ["resourceId"] = f.ResourceId,
                    ["status"] = f.Status.ToWire(),
                    ["evidence"] = new JsonArray(f.Evidence.Select(e => (JsonNode)BundleFormat.Evidence(e)).ToArray()),
                }.ToJsonString());
                _spooledCount[control] = _spooledCount.GetValueOrDefault(control) + 1;
                if (!_evidenceByControl.TryGetValue(control, out var hashes))
                {
                    _evidenceByControl[control] = hashes = new HashSet<string>(StringComparer.Ordinal);
                }

                foreach (var e in f.Evidence)
                {
                    hashes.Add(e);
                    if (answeredAt.TryGetValue(e, out var at) && (!_latestByControl.TryGetValue(control, out var latest) || at > latest))
                    {
                        _latestByControl[control] = at;
                    }
                }

                if (f.Status is FindingStatus.Fail or FindingStatus.Error)
                {
                    if (!_samples.TryGetValue(control, out var sample))
                    {
                        _samples[control] = sample = [];
                    }

                    if (sample.Count < 10 || sample[0].RunId != run.Id)
                    {
                        if (sample.Count > 0 && sample[0].RunId != run.Id)
                        {
                            sample.Clear();
                        }

                        if (sample.Count < 10)
                        {
                            sample.Add(f);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Up to ten failing or erroring findings of the control in the latest run that had some.</summary>
    public IReadOnlyList<Finding> Samples(string controlId) => _samples.GetValueOrDefault(controlId) ?? [];

    public int EvidenceItems(string controlId) => _evidenceByControl.GetValueOrDefault(controlId)?.Count ?? 0;

    public DateTimeOffset? LatestEvidence(string controlId) => _latestByControl.TryGetValue(controlId, out var at) ? at : null;

    public ControlResult? Latest(string controlId) => Runs.Count == 0 ? null : Runs[^1].Controls.FirstOrDefault(c => c.ControlId == controlId);

    /// <summary><c>controls/&lt;id&gt;.json</c>: the control, its status in each run, and every finding behind it with its evidence files.</summary>
    public void WriteControl(Control control, Stream output)
    {
        var exclusion = ExclusionOf(control.Id);
        var head = new JsonObject
        {
            ["control"] = new JsonObject { ["id"] = control.Id, ["theme"] = control.Theme, ["name"] = control.Name },
            ["applicable"] = exclusion is null,
            ["justification"] = exclusion?.Justification,
            ["runs"] = new JsonArray(Runs.Select(r =>
            {
                var c = r.Controls.FirstOrDefault(x => x.ControlId == control.Id);
                return (JsonNode)new JsonObject
                {
                    ["runId"] = r.Run.Id,
                    ["sequence"] = r.Run.Sequence,
                    ["sealedAt"] = r.Run.EndedAt?.ToWire(),
                    ["status"] = (c?.Status ?? ControlStatus.NoAutomatedEvidence).ToWire(),
                    ["pass"] = c?.Pass ?? 0,
                    ["fail"] = c?.Fail ?? 0,
                    ["error"] = c?.Error ?? 0,
                    ["notApplicable"] = c?.NotApplicable ?? 0,
                    ["checks"] = new JsonArray((c?.Checks ?? []).Select(x => (JsonNode)x).ToArray()),
                };
            }).ToArray()),
        };
        var text = head.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        output.Write(Encoding.UTF8.GetBytes(text[..^1] + ",\"findings\":["));
        var path = Path.Combine(spool, control.Id + ".jsonl");
        if (File.Exists(path))
        {
            var first = true;
            foreach (var line in File.ReadLines(path))
            {
                output.Write(Encoding.UTF8.GetBytes((first ? "\n" : ",\n") + line));
                first = false;
            }
        }

        output.Write("\n]}\n"u8);
    }

    /// <summary><c>soa.csv</c>: one row per control (all 93, or those the request selects).</summary>
    public string Soa()
    {
        var text = new StringBuilder("control,theme,name,applicable,justification,status,evidence_items,latest_evidence\n");
        foreach (var control in mapping.Controls.Where(c => Shown(c.Id)))
        {
            var exclusion = ExclusionOf(control.Id);
            var status = Latest(control.Id)?.Status ?? ControlStatus.NoAutomatedEvidence;
            text.AppendJoin(',', new[]
            {
                control.Id, control.Theme, control.Name, exclusion is null ? "yes" : "no", exclusion?.Justification ?? string.Empty,
                status.ToWire(), EvidenceItems(control.Id).ToString(System.Globalization.CultureInfo.InvariantCulture), LatestEvidence(control.Id)?.ToWire() ?? string.Empty,
            }.Select(BundleExporter.CsvField)).Append('\n');
        }

        return text.ToString();
    }

    public void Close()
    {
        foreach (var writer in _spooled.Values)
        {
            writer.Dispose();
        }
    }
}
