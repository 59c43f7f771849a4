using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Monitor;

/// <summary>
/// The subscription's activity-log export (subscription diagnostic settings), its activity-log alerts and its Log
/// Analytics workspaces, each stored as its ARM JSON; each list a section of its own.
/// </summary>
public sealed class MonitorCollector(ArmReader reader) : ICollector
{
    public const string DiagnosticSettingsApiVersion = "2021-05-01-preview";
    public const string ActivityLogAlertsApiVersion = "2020-10-01";
    public const string WorkspacesApiVersion = "2022-10-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.monitor", "monitor", true, [AzureKinds.DiagnosticSetting, AzureKinds.ActivityLogAlert, AzureKinds.Workspace, AzureKinds.MonitorListing]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var subscription = $"/subscriptions/{context.Target.Account}";
        await ArmLists.CollectAsync(reader, result, AzureKinds.DiagnosticSetting, "Microsoft.Insights", $"{subscription}/providers/Microsoft.Insights/diagnosticSettings", DiagnosticSettingsApiVersion, cancellationToken, listingKind: AzureKinds.MonitorListing).ConfigureAwait(false);
        await ArmLists.CollectAsync(reader, result, AzureKinds.ActivityLogAlert, "Microsoft.Insights", $"{subscription}/providers/Microsoft.Insights/activityLogAlerts", ActivityLogAlertsApiVersion, cancellationToken, listingKind: AzureKinds.MonitorListing).ConfigureAwait(false);
        await ArmLists.CollectAsync(reader, result, AzureKinds.Workspace, "Microsoft.OperationalInsights", $"{subscription}/providers/Microsoft.OperationalInsights/workspaces", WorkspacesApiVersion, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
