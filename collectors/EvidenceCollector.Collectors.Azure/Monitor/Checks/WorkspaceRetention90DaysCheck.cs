using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Monitor.Checks;

public sealed class WorkspaceRetention90DaysCheck : ICheck
{
    public const int Days = 90;

    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.monitor.workspace_retention_90_days", "Log Analytics workspaces keep logs for at least 90 days", Severity.Medium, "AzureLogAnalyticsWorkspace",
        "Logs kept for less than 90 days are gone before most incidents are discovered and investigated.",
        "Set the workspace's retentionInDays to 90 or more (or archive the tables for longer).", AzureKinds.Workspace);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.Workspace, (item, p) => ArmJson.Number(p, "retentionInDays") switch
        {
            null => CheckResult.Error(item, $"{ArmJson.Name(item)} does not state its retentionInDays"),
            // -1 is "unlimited" on legacy pricing tiers.
            var d when d == -1 || d >= Days => CheckResult.Pass(item, $"{ArmJson.Name(item)} keeps logs for {(d == -1 ? "an unlimited time" : $"{d} days")}"),
            var d => CheckResult.Fail(item, $"{ArmJson.Name(item)} keeps logs for {d} days only (at least {Days} expected)"),
        });
}
