using System.Text.Json;
using EvidenceCollector.Checks;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

/// <summary>The flow logs of every Network Watcher (read with each watcher; their item <c>type</c> is <c>…/FlowLogs</c> in ARM's answers, <c>flowLogs</c> in the path).</summary>
internal static class FlowLogs
{
    public sealed record FlowLog(EvidenceItem Watcher, string Id, string Name, string Region, string? Target, JsonElement Properties);

    /// <summary>Every flow log, or the first watcher whose flow logs could not be read.</summary>
    public static (List<FlowLog> Logs, (EvidenceItem Watcher, string Error)? Failed) Read(CheckInput input)
    {
        var logs = new List<FlowLog>();
        foreach (var watcher in input.OfKind(AzureKinds.NetworkWatcher))
        {
            var (items, error) = ArmJson.RelatedList(watcher, "flowLogs");
            if (error is not null)
            {
                return (logs, (watcher, error));
            }

            foreach (var log in items)
            {
                var p = ArmJson.Object(log, "properties");
                logs.Add(new FlowLog(watcher, ArmJson.Text(log, "id") ?? watcher.ResourceId, ArmJson.Text(log, "name") ?? "unnamed",
                    (ArmJson.Text(log, "location") ?? watcher.Region).ToLowerInvariant(), ArmJson.Text(p, "targetResourceId"), p));
            }
        }

        return (logs, null);
    }
}
