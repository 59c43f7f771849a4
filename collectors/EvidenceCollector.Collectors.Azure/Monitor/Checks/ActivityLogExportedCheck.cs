using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

/// <summary>
/// The subscription's activity log leaves it: one or more subscription diagnostic settings, each with a destination,
/// together export the Administrative, Security, Policy and Alert categories (a category group <c>allLogs</c> or
/// <c>audit</c> covers them). Subscription diagnostic settings come with ids lacking their leading slash and
/// <c>type: null</c>; neither matters here.
/// </summary>
public sealed class ActivityLogExportedCheck : ICheck
{
    private static readonly string[] Required = ["Administrative", "Security", "Policy", "Alert"];

    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.monitor.activity_log_exported", "The activity log is exported (Administrative, Security, Policy, Alert)", Severity.High, "AzureSubscription",
        "Without an export the activity log is kept for 90 days only and cannot be searched or alerted on with other logs; control-plane changes go unrecorded.",
        "Create a subscription diagnostic setting sending the Administrative, Security, Policy and Alert categories to a Log Analytics workspace or storage account.",
        AzureKinds.DiagnosticSetting, AzureKinds.MonitorListing) with { ItemByItem = false };

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var settings = input.OfKind(AzureKinds.DiagnosticSetting).ToList();
        if (input.IncompleteKinds.Contains(AzureKinds.DiagnosticSetting))
        {
            yield return EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, "the subscription's diagnostic settings could not be listed", settings);
            yield break;
        }

        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var used = new List<EvidenceItem>();
        foreach (var setting in settings)
        {
            if (ArmJson.Object(setting.Payload, "properties") is not { ValueKind: JsonValueKind.Object } p)
            {
                yield return CheckResult.Error(setting, $"diagnostic setting {ArmJson.Name(setting)} has no properties");
                yield break;
            }

            if (!HasDestination(p))
            {
                continue;
            }

            foreach (var log in ArmJson.Objects(p, "logs").Where(l => ArmJson.Bool(l, "enabled") == true))
            {
                if (ArmJson.Text(log, "categoryGroup") is "allLogs" or "audit")
                {
                    covered.UnionWith(Required);
                }
                else if (ArmJson.Text(log, "category") is { } category)
                {
                    covered.Add(category);
                }

                used.Add(setting);
            }
        }

        var missing = Required.Where(c => !covered.Contains(c)).ToList();
        var listing = ArmJson.Listing(input, AzureKinds.MonitorListing, AzureKinds.DiagnosticSetting);
        if (missing.Count > 0 && settings.Count == 0 && listing is null)
        {
            yield return EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Error, "the list of diagnostic settings was not recorded, so their absence cannot be concluded", []);
            yield break;
        }

        yield return missing.Count == 0
            ? EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Pass, $"the activity log is exported by {string.Join(", ", used.Select(ArmJson.Name).Distinct())}", used)
            : EvidenceChecks.Result(ArmJson.Subscription(input), Target.Global, FindingStatus.Fail,
                settings.Count == 0 ? "no diagnostic setting exports the subscription's activity log" : $"the activity log categories {string.Join(", ", missing)} are not exported to any destination", listing is null ? settings : [.. settings, listing]);
    }

    /// <summary>A destination: a workspace, storage account, event hub or partner solution (an empty string is none).</summary>
    internal static bool HasDestination(JsonElement p) =>
        new[] { "workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId" }.Any(k => ArmJson.Text(p, k) is { Length: > 0 });
}
