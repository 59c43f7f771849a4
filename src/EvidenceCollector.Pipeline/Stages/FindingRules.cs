using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>What every <see cref="CheckEvaluation"/> of a run shares: providers, collectors, the mapping and a logger.</summary>
public sealed record CheckEvaluationContext(ProviderRegistry Providers, IReadOnlyList<CollectorDescriptor> Collectors, MappingTable Mapping, ILogger Logger);

/// <summary>
/// The rules the runner applies around what a check says (invariant #1: an error is never a pass). Each is a
/// pure function, tested on its own:
/// <list type="bullet">
/// <item><see cref="CheckFailed"/>: a check that throws is an <c>error</c> finding on the account, citing what it was given.</item>
/// <item><see cref="DowngradeFailsFromAbsence"/>: a fail drawn from absence (it cites no evidence) is an <c>error</c> when
/// evidence of the check's kinds failed to arrive ("no multi-region trail" after DescribeTrails was denied is unknown).</item>
/// <item><see cref="NotCollected"/>: every collection error of the check's kinds is an <c>error</c> finding, on the resource
/// when the error names one, else on the target.</item>
/// <item><see cref="CheckEvaluation.Complete"/>: a region that was collected but held nothing of the check's kinds is
/// <c>not_applicable</c> ("no resources"); a region the planner skipped is <c>not_applicable</c> with its reason.</item>
/// </list>
/// </summary>
public static class FindingRules
{
    public static CheckResult CheckFailed(string accountResourceId, Exception e, IEnumerable<EvidenceItem> given) =>
        new(accountResourceId, Target.Global, FindingStatus.Error, $"the check could not evaluate the evidence: {e.GetType().Name}: {e.Message}", given.Select(i => i.Hash).Distinct().ToList());

    /// <summary>Turns, in place, every fail that cites no evidence into an error naming <paramref name="errorCode"/>.</summary>
    public static void DowngradeFailsFromAbsence(List<CheckResult> results, string errorCode)
    {
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Status == FindingStatus.Fail && results[i].EvidenceHashes.Count == 0)
            {
                results[i] = results[i] with
                {
                    Status = FindingStatus.Error,
                    Message = $"{results[i].Message}, but some evidence this check reads could not be collected ({errorCode}), so this is not a conclusion",
                };
            }
        }
    }

    /// <summary>The error finding of evidence that could not be collected.</summary>
    public static CheckResult NotCollected(CollectionError error, string targetResourceId)
    {
        var message = $"evidence could not be collected: {error.Code}: {error.Message}" + (error.Operation is null ? string.Empty : $" ({error.Operation})");
        return new CheckResult(error.ResourceId ?? targetResourceId, error.Region, FindingStatus.Error, message, []);
    }
}

/// <summary>
/// One check over one account, fed its evidence in one batch or several (<see cref="Judge"/>), then
/// <see cref="Complete"/>d: what the runner adds around the check's own results (collection errors,
/// not_applicable for empty regions and skipped targets) depends on everything the check said, so it comes last.
/// </summary>
public sealed class CheckEvaluation(
    CheckEvaluationContext context,
    string runId,
    ICheck check,
    Provider provider,
    string account,
    List<(Target Target, CollectionError Error)> accountErrors,
    List<PlannedTarget> planned,
    ConcurrentDictionary<(Provider, string Account, string Region, string Kind), bool> covered,
    IReadOnlyDictionary<(Provider, string Account, string Region, string Kind), string>? notApplicable = null)
{
    private readonly HashSet<string> _kinds = check.Metadata.EvidenceKinds.ToHashSet(StringComparer.Ordinal);
    private readonly HashSet<string> _regionsWithResults = new(StringComparer.Ordinal);
    private List<(Target Target, CollectionError Error)>? _relevantErrors;
    private int _results;

    public bool ItemByItem => check.Metadata.ItemByItem;

    private List<(Target Target, CollectionError Error)> RelevantErrors => _relevantErrors ??=
        accountErrors.Where(e => e.Error.Kinds.Contains("*") || e.Error.Kinds.Any(_kinds.Contains)).ToList();

    /// <summary>The check's kinds whose listing failed somewhere in the account (errors not tied to one resource).</summary>
    private IReadOnlySet<string> IncompleteKinds => _incomplete ??=
        RelevantErrors.Where(e => e.Error.ResourceId is null).SelectMany(e => e.Error.Kinds.Contains("*") ? _kinds : e.Error.Kinds.Where(_kinds.Contains)).ToHashSet(StringComparer.Ordinal);

    private HashSet<string>? _incomplete;

    /// <summary>The check's findings on <paramref name="items"/> (those of its kinds are handed to it).</summary>
    public IEnumerable<Finding> Judge(IReadOnlyList<EvidenceItem> items)
    {
        var meta = check.Metadata;
        var results = new List<CheckResult>();
        var input = new CheckInput(provider, account, items.Where(i => _kinds.Contains(i.Kind)).ToList(), IncompleteKinds);
        try
        {
            results.AddRange(check.Evaluate(input));
        }
        catch (Exception e)
        {
            Log.CheckFailed(context.Logger, e, meta.Id, account);
            results.Add(FindingRules.CheckFailed(context.Providers.TargetResourceId(provider, account, Target.Global), e, input.Items));
        }

        if (RelevantErrors.Count > 0)
        {
            FindingRules.DowngradeFailsFromAbsence(results, RelevantErrors[0].Error.Code);
        }

        return results.Select(Finding).ToList();
    }

    /// <summary>Error findings for the evidence that could not be collected, then not_applicable where nothing was found.</summary>
    public IEnumerable<Finding> Complete()
    {
        var meta = check.Metadata;
        var results = new List<CheckResult>();
        foreach (var (target, error) in RelevantErrors)
        {
            results.Add(FindingRules.NotCollected(error, context.Providers.TargetResourceId(provider, account, error.Region)));
            Seen(error.Region);
        }

        // Absence is visible: a covered region where the check found nothing of its kind is not_applicable.
        var accountLevel = _regionsWithResults.Contains(Target.Global);
        var regions = planned.Where(t => t.Target.Provider == provider && t.Target.Account == account && t.Outcome == TargetOutcome.Evaluated).Select(t => t.Target.Region).Distinct();
        foreach (var region in regions.Order(StringComparer.Ordinal))
        {
            if (!_kinds.Any(k => covered.ContainsKey((provider, account, region, k))))
            {
                continue;
            }

            var any = region == Target.Global ? _results > 0 : accountLevel || _regionsWithResults.Contains(region);
            if (!any)
            {
                // A collector that knows why nothing can exist there (an unregistered resource provider) says so.
                var reason = notApplicable is null ? null : _kinds.Order(StringComparer.Ordinal).Select(k => notApplicable.TryGetValue((provider, account, region, k), out var r) ? r : null).FirstOrDefault(r => r is not null);
                results.Add(new CheckResult(context.Providers.TargetResourceId(provider, account, region), region, FindingStatus.NotApplicable, reason ?? $"no resources: nothing of kind {string.Join(", ", meta.EvidenceKinds)} in {region}", []));
            }
        }

        // Targets the planner skipped (e.g. a region not enabled) are not_applicable with the planner's reason.
        foreach (var skipped in planned.Where(t => t.Target.Provider == provider && t.Target.Account == account && t.Outcome == TargetOutcome.Skipped && !t.Target.IsGlobal))
        {
            if (context.Collectors.Any(c => !c.Global && c.Kinds.Any(_kinds.Contains)))
            {
                results.Add(new CheckResult(context.Providers.TargetResourceId(provider, account, skipped.Target.Region), skipped.Target.Region, FindingStatus.NotApplicable, skipped.Detail ?? "region skipped", []));
            }
        }

        return results.Select(Finding).ToList();
    }

    private void Seen(string region)
    {
        _results++;
        _regionsWithResults.Add(region);
    }

    private Finding Finding(CheckResult r)
    {
        var meta = check.Metadata;
        Seen(r.Region);
        return new Finding
        {
            RunId = runId,
            CheckId = r.CheckId ?? meta.Id,
            Title = r.Title ?? meta.Title,
            Provider = provider,
            Account = account,
            Region = r.Region,
            ResourceId = r.ResourceId,
            Status = r.Status,
            Severity = meta.Severity,
            Message = r.Message,
            Evidence = r.EvidenceHashes.Distinct().Order(StringComparer.Ordinal).ToList(),
            Controls = context.Mapping.ControlsFor(meta, r.MappingKey).Order(StringComparer.Ordinal).ToList(),
            MappingKey = r.MappingKey,
        };
    }
}
