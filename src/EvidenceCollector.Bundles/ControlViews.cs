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
/// control spooled to a temporary file (so they are not held in memory), and what the SoA and report need. Fed one
/// finding at a time: <see cref="Begin"/>, <see cref="Add(Finding)"/>, <see cref="End"/> per run.
/// </summary>
public sealed class ControlViews(string spool, MappingTable mapping, ExportRequest request)
{
    private readonly Dictionary<string, (FileStream File, Utf8JsonWriter Json)> _spooled = new(StringComparer.Ordinal);
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

    private RunInfo? _run;
    private IReadOnlyList<ControlResult> _controls = [];
    private IReadOnlyList<TargetReport> _targets = [];
    private ControlTally? _tally;
    private readonly Dictionary<FindingStatus, int> _counts = [];

    /// <summary>Starts a run: its stored control results and targets; its findings follow through <see cref="Add(Finding)"/>.</summary>
    public void Begin(RunInfo run, IReadOnlyList<ControlResult> controls, IReadOnlyList<TargetReport> targets)
    {
        (_run, _controls, _targets, _tally) = (run, controls, targets, Filtered ? new ControlTally() : null);
        _counts.Clear();
    }

    /// <summary>One finding of the current run (those outside the subset are skipped).</summary>
    public void Add(Finding f, string findingHash)
    {
        if (!InSubset(f))
        {
            return;
        }

        _tally?.Add(f);
        _counts[f.Status] = _counts.GetValueOrDefault(f.Status) + 1;
        foreach (var control in f.Controls.Where(Shown))
        {
            if (!_spooled.TryGetValue(control, out var spooled))
            {
                var file = new FileStream(Path.Combine(spool, control + ".jsonl"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                _spooled[control] = spooled = (file, new Utf8JsonWriter(file, new JsonWriterOptions { SkipValidation = true }));
            }

            var json = spooled.Json;
            json.WriteStartObject();
            json.WriteString("runId", f.RunId);
            json.WriteString("finding", findingHash);
            json.WriteString("checkId", f.CheckId);
            json.WriteString("provider", f.Provider.ToWire());
            json.WriteString("account", f.Account);
            json.WriteString("region", f.Region);
            json.WriteString("resourceId", f.ResourceId);
            json.WriteString("status", f.Status.ToWire());
            json.WriteStartArray("evidence");
            foreach (var e in f.Evidence)
            {
                json.WriteStringValue(BundleFormat.Evidence(e));
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            spooled.File.WriteByte((byte)'\n');
            if (f.Status is FindingStatus.Fail or FindingStatus.Error)
            {
                if (!_samples.TryGetValue(control, out var sample) || sample[0].RunId != f.RunId)
                {
                    // Samples are of the latest run that has some: a later run replaces them.
                    _samples[control] = sample = [];
                }

                if (sample.Count < 10)
                {
                    sample.Add(f);
                }
            }
        }
    }

    /// <summary>Ends the current run: its control results over the subset (recomputed from its findings when filtered).</summary>
    public void End()
    {
        var results = _tally is null
            ? _controls
            : _tally.Results(mapping.Controls, _controls.ToDictionary(c => c.ControlId, c => (IReadOnlySet<string>)c.Checks.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal));
        var targetsShown = _targets.Where(t => (request.Providers.Count == 0 || request.Providers.Contains(t.Target.Provider.ToWire(), StringComparer.OrdinalIgnoreCase))
            && (request.Accounts.Count == 0 || request.Accounts.Contains(t.Target.Account, StringComparer.OrdinalIgnoreCase))).ToList();
        Runs.Add(new RunView(_run!, results, targetsShown, new Dictionary<FindingStatus, int>(_counts)));
    }

    /// <summary>Up to ten failing or erroring findings of the control in the latest run that had some.</summary>
    public IReadOnlyList<Finding> Samples(string controlId) => _samples.GetValueOrDefault(controlId) ?? [];

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
    public string Soa(IReadOnlyDictionary<string, (int Items, DateTimeOffset? Latest)> evidence)
    {
        var text = new StringBuilder("control,theme,name,applicable,justification,status,evidence_items,latest_evidence\n");
        foreach (var control in mapping.Controls.Where(c => Shown(c.Id)))
        {
            var exclusion = ExclusionOf(control.Id);
            var status = Latest(control.Id)?.Status ?? ControlStatus.NoAutomatedEvidence;
            text.AppendJoin(',', new[]
            {
                control.Id, control.Theme, control.Name, exclusion is null ? "yes" : "no", exclusion?.Justification ?? string.Empty,
                status.ToWire(), evidence.GetValueOrDefault(control.Id).Items.ToString(System.Globalization.CultureInfo.InvariantCulture), evidence.GetValueOrDefault(control.Id).Latest?.ToWire() ?? string.Empty,
            }.Select(BundleExporter.CsvField)).Append('\n');
        }

        return text.ToString();
    }

    public void Close()
    {
        foreach (var (file, json) in _spooled.Values)
        {
            json.Dispose();
            file.Dispose();
        }
    }
}
