using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

/// <summary>Each flow log keeps its records at least 90 days: no retention policy (kept until deleted), 0 days (for ever) or 90 and more.</summary>
public sealed class FlowLogRetention90DaysCheck : ICheck
{
    public const int Days = 90;

    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.network.flow_log_retention_90_days", "Flow logs are kept for at least 90 days", Severity.Low, "AzureFlowLog",
        "Flow records deleted after a few days are gone before most intrusions are discovered.",
        "Set the flow log's retention policy to 90 days or more (or 0: kept for ever).", AzureKinds.NetworkWatcher);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var (logs, failed) = FlowLogs.Read(input);
        if (failed is { } f)
        {
            yield return CheckResult.Error(f.Watcher, $"the flow logs of {ArmJson.Name(f.Watcher)} could not be read: {f.Error}");
        }

        foreach (var log in logs)
        {
            var retention = ArmJson.Object(log.Properties, "retentionPolicy");
            var days = ArmJson.Number(retention, "days") ?? 0;
            var status = ArmJson.Bool(retention, "enabled") != true || days == 0 || days >= Days ? FindingStatus.Pass : FindingStatus.Fail;
            var message = status == FindingStatus.Pass
                ? $"{log.Name} keeps its records {(ArmJson.Bool(retention, "enabled") != true || days == 0 ? "until they are deleted" : $"for {days} days")}"
                : $"{log.Name} deletes its records after {days} days (at least {Days} expected)";
            yield return new CheckResult(log.Id, log.Region, status, message, [log.Watcher.Hash]);
        }
    }
}
