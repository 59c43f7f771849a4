using EvidenceCollector.Checks;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>
/// The control-status stage: counts findings per control as they are produced (<see cref="Add"/>; only counts
/// stay in memory, the findings go to the store), notes dynamic rules without a mapping row, and derives each
/// control's status over the checks in scope (<see cref="ControlEvaluator"/>'s rules: compliant needs a pass and
/// no fail or error; only not_applicable is not_applicable; no finding from a mapped check is incomplete).
/// Fed from one thread.
/// </summary>
public sealed class ControlStatusStage(MappingTable mapping)
{
    private readonly ControlTally _tally = new();
    private readonly SortedSet<string> _unmappedRules = new(StringComparer.Ordinal);

    /// <summary>Checks whose findings carried a mapping key that no rule table row maps (their findings map to no control).</summary>
    public IReadOnlyList<string> UnmappedRules => [.. _unmappedRules];

    public IReadOnlyDictionary<FindingStatus, int> Counts => Enum.GetValues<FindingStatus>().ToDictionary(s => s, _tally.Count);

    public void Add(IReadOnlyList<Finding> findings)
    {
        foreach (var finding in findings)
        {
            _tally.Add(finding);
            if (finding.MappingKey is not null && finding.Controls.Count == 0)
            {
                _unmappedRules.Add(finding.CheckId);
            }
        }
    }

    /// <summary>Every control of the catalogue with its status, given the checks that were in the run's scope.</summary>
    public IReadOnlyList<ControlResult> Results(IEnumerable<ICheck> checksInScope) =>
        _tally.Results(mapping.Controls, ChecksByControl(checksInScope, mapping));

    /// <summary>For each control, the ids of the built-in checks in scope mapped to it (dynamic checks map per rule).</summary>
    public static Dictionary<string, IReadOnlySet<string>> ChecksByControl(IEnumerable<ICheck> checks, MappingTable mapping)
    {
        var byControl = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var check in checks.Where(c => c.Metadata.DynamicMapping is null))
        {
            foreach (var control in mapping.ControlsForCheck(check.Metadata.Id))
            {
                if (!byControl.TryGetValue(control, out var set))
                {
                    byControl[control] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                ((HashSet<string>)set).Add(check.Metadata.Id);
            }
        }

        return byControl;
    }
}
