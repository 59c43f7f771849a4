using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

/// <summary>What the vault checks share: each vault judged on its ARM <c>properties</c> (absent: an error).</summary>
internal static class Vaults
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        ArmJson.Meta(id, title, severity, "AzureKeyVault", rationale, remediation, AzureKinds.KeyVault);

    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, JsonElement, CheckResult> judge) =>
        ArmJson.Each(input, AzureKinds.KeyVault, judge);
}
