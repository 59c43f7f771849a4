using EvidenceCollector.Model;

namespace EvidenceCollector.Mapping;

/// <summary>
/// Control status over the checks in a run's scope: any <c>fail</c> → non_compliant; no fail but any
/// <c>error</c> → incomplete; only pass / not_applicable → compliant; no mapped check in scope →
/// no_automated_evidence. A control whose checks were in scope but produced no finding at all is
/// incomplete: absence of evidence is never compliance.
/// </summary>
public static class ControlEvaluator
{
    /// <param name="checksByControl">For each control, the ids of the checks in scope that map to it.</param>
    public static IReadOnlyList<ControlResult> Evaluate(
        IEnumerable<Control> controls,
        IReadOnlyDictionary<string, IReadOnlySet<string>> checksByControl,
        IEnumerable<Finding> findings)
    {
        var byControl = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var checksSeen = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            foreach (var control in finding.Controls)
            {
                if (!byControl.TryGetValue(control, out var counts))
                {
                    byControl[control] = counts = new int[4];
                    checksSeen[control] = new SortedSet<string>(StringComparer.Ordinal);
                }

                counts[(int)finding.Status]++;
                checksSeen[control].Add(finding.CheckId);
            }
        }

        var results = new List<ControlResult>();
        foreach (var control in controls)
        {
            var inScope = checksByControl.TryGetValue(control.Id, out var set) && set.Count > 0;
            byControl.TryGetValue(control.Id, out var counts);
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
            else
            {
                status = ControlStatus.Compliant;
            }

            var checks = checksSeen.TryGetValue(control.Id, out var seen) ? seen.ToList() : (set?.OrderBy(s => s, StringComparer.Ordinal).ToList() ?? []);
            results.Add(new ControlResult(control.Id, status, pass, fail, error, na, checks));
        }

        return results;
    }
}
