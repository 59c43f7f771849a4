using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Azure.Monitor.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

/// <summary>A vault's data-plane audit log (category AuditEvent, or the audit / allLogs group) is sent somewhere by a diagnostic setting.</summary>
public sealed class DiagnosticLoggingEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Vaults.Meta("azure.keyvault.diagnostic_logging_enabled", "Key vaults log their access (AuditEvent) to a destination", Severity.Medium,
        "Without the AuditEvent log nobody can tell who read which secret or key, or when.",
        "Add a diagnostic setting to the vault sending the audit category group (or AuditEvent) to a Log Analytics workspace or storage account.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        Vaults.Each(input, (item, _) =>
        {
            var (settings, error) = ArmJson.RelatedList(item, "diagnosticSettings");
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            var logging = settings.FirstOrDefault(s => Audits(ArmJson.Object(s, "properties")));
            return logging.ValueKind == JsonValueKind.Object
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} sends its audit log through diagnostic setting {ArmJson.Text(logging, "name")}")
                : CheckResult.Fail(item, settings.Count == 0 ? $"{ArmJson.Name(item)} has no diagnostic setting" : $"no diagnostic setting of {ArmJson.Name(item)} sends AuditEvent to a destination");
        });

    private static bool Audits(JsonElement p) =>
        p.ValueKind == JsonValueKind.Object && ActivityLogExportedCheck.HasDestination(p)
        && ArmJson.Objects(p, "logs").Any(l => ArmJson.Bool(l, "enabled") == true
            && (ArmJson.Text(l, "categoryGroup") is "audit" or "allLogs" || string.Equals(ArmJson.Text(l, "category"), "AuditEvent", StringComparison.OrdinalIgnoreCase)));
}
