using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.KeyVault.Checks;

/// <summary>What the vault checks share: each vault judged on its ARM <c>properties</c> (absent: an error).</summary>
internal static class Vaults
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        new(Provider.Azure, id, title, severity, "AzureKeyVault", rationale, remediation, [AzureKinds.KeyVault], ItemByItem: true);

    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, JsonElement, CheckResult> judge) =>
        EvidenceChecks.Each(input, AzureKinds.KeyVault, ["properties"], item => judge(item, item.Payload.GetProperty("properties")));
}
