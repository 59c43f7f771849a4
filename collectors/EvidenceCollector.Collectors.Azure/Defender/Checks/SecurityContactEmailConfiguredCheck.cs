using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Defender.Checks;

public sealed class SecurityContactEmailConfiguredCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SecurityContacts.Meta("azure.defender.security_contact_email_configured", "Defender for Cloud has a security contact email", Severity.Medium,
        "Microsoft sends security incident notices and Defender alerts to the security contact; without one they reach nobody in charge.",
        "Set the subscription's security contact emails (a monitored distribution list).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        SecurityContacts.Evaluate(input, p => SecurityContacts.Emails(p).Any(), "a security contact email is set", "no security contact email is set");
}
