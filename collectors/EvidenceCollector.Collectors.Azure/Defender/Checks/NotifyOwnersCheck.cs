using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class NotifyOwnersCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SecurityContacts.Meta("azure.defender.notify_owners", "Defender for Cloud also notifies subscription Owners", Severity.Low,
        "Owners are the people able to act on an alert; notifying them by role keeps working when the contact list goes stale.",
        "Turn on notifications by role (state On) with the Owner role in the security contact.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        SecurityContacts.Evaluate(input, p =>
        {
            var byRole = ArmJson.Object(p, "notificationsByRole");
            return ArmJson.Text(byRole, "state") == "On" && byRole.TryGetProperty("roles", out var roles) && roles.ValueKind == System.Text.Json.JsonValueKind.Array
                && roles.EnumerateArray().Any(r => string.Equals(r.GetString(), "Owner", StringComparison.OrdinalIgnoreCase));
        }, "Owners are notified", "Owners are not notified of alerts");
}
