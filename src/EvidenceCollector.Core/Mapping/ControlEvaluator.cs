using EvidenceCollector.Model;

namespace EvidenceCollector.Mapping;

/// <summary>
/// Control status over the checks in a run's scope: any <c>fail</c> → non_compliant; no fail but any
/// <c>error</c> → incomplete; at least one pass and otherwise only not_applicable → compliant; only
/// not_applicable → not_applicable (nothing to evaluate); no mapped check in scope → no_automated_evidence.
/// A control whose checks were in scope but produced no finding at all is incomplete: absence of evidence
/// is never compliance, and compliance needs evidence of it (a pass).
/// </summary>
public static class ControlEvaluator
{
    /// <param name="checksByControl">For each control, the ids of the checks in scope that map to it.</param>
    public static IReadOnlyList<ControlResult> Evaluate(
        IEnumerable<Control> controls,
        IReadOnlyDictionary<string, IReadOnlySet<string>> checksByControl,
        IEnumerable<Finding> findings)
    {
        var tally = new ControlTally();
        foreach (var finding in findings)
        {
            tally.Add(finding);
        }

        return tally.Results(controls, checksByControl);
    }
}

/// <summary>
/// Counts findings per control as they are produced, so a run never needs all its findings in memory to
/// derive control status.
/// </summary>
public sealed class ControlTally
{
    private readonly Dictionary<string, int[]> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _checks = new(StringComparer.Ordinal);
    private readonly int[] _byStatus = new int[4];

    public int Count(FindingStatus status) => _byStatus[(int)status];

    public int Total => _byStatus.Sum();

    public void Add(Finding finding)
    {
        _byStatus[(int)finding.Status]++;
        foreach (var control in finding.Controls)
        {
            if (!_counts.TryGetValue(control, out var counts))
            {
                _counts[control] = counts = new int[4];
                _checks[control] = new SortedSet<string>(StringComparer.Ordinal);
            }

            counts[(int)finding.Status]++;
            _checks[control].Add(finding.CheckId);
        }
    }

    /// <param name="checksByControl">For each control, the ids of the checks in scope that map to it.</param>
    public IReadOnlyList<ControlResult> Results(IEnumerable<Control> controls, IReadOnlyDictionary<string, IReadOnlySet<string>> checksByControl)
    {
        var results = new List<ControlResult>();
        foreach (var control in controls)
        {
            var inScope = checksByControl.TryGetValue(control.Id, out var set) && set.Count > 0;
            _counts.TryGetValue(control.Id, out var counts);
            counts ??= new int[4];
            var (pass, fail, error, na) = (counts[(int)FindingStatus.Pass], counts[(int)FindingStatus.Fail], counts[(int)FindingStatus.Error], counts[(int)FindingStatus.NotApplicable]);
            var total = pass + fail + error + na;
            ControlStatus status;
            if (!inScope && total == 0)
            {
                status = ControlStatus.NoAutomatedEvidence;
            }
            else if (fail > 0)
            {
                status = ControlStatus.NonCompliant;
            }
            else if (error > 0 || total == 0)
            {
                status = ControlStatus.Incomplete;
            }
            else if (pass == 0)
            {
                status = ControlStatus.NotApplicable;
            }
            else
            {
                status = ControlStatus.Compliant;
            }

            var checks = _checks.TryGetValue(control.Id, out var seen) ? seen.ToList() : (set?.OrderBy(s => s, StringComparer.Ordinal).ToList() ?? []);
            results.Add(new ControlResult(control.Id, status, pass, fail, error, na, checks));
        }

        return results;
    }
}
