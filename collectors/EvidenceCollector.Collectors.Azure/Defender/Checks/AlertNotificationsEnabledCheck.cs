using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

/// <summary>Alert emails are on: <c>alertNotifications.state</c> On (2020 shape), or <c>isEnabled</c> with an <c>Alert</c> notification source (2023 shape).</summary>
public sealed class AlertNotificationsEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SecurityContacts.Meta("azure.defender.alert_notifications_enabled", "Defender for Cloud emails its alerts", Severity.Medium,
        "Alerts that are only shown in the portal are seen when someone looks, which for a weekend intrusion is too late.",
        "Turn on email notifications for alerts (minimal severity High or lower) in the security contact.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        SecurityContacts.Evaluate(input, p =>
            ArmJson.Text(ArmJson.Object(p, "alertNotifications"), "state") == "On"
            || (ArmJson.Bool(p, "isEnabled") == true && ArmJson.Objects(p, "notificationsSources").Any(s => ArmJson.Text(s, "sourceType") == "Alert")),
            "alert notifications are emailed", "alert notifications are not emailed");
}
