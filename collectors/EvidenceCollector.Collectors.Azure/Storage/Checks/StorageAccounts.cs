using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

/// <summary>
/// What the storage checks share. ARM leaves many properties out when they hold their default, and the default is
/// often the weak one for older accounts (no <c>minimumTlsVersion</c> means TLS 1.0 is accepted; no
/// <c>allowBlobPublicAccess</c> on an account created before November 2023 means allowed; no
/// <c>allowSharedKeyAccess</c> means allowed): each check states how it reads an absent property.
/// </summary>
internal static class StorageAccounts
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation) =>
        new(Provider.Azure, id, title, severity, "AzureStorageAccount", rationale, remediation, [AzureKinds.StorageAccount], ItemByItem: true);

    /// <summary>Each account judged on its <c>properties</c>; an account without them is an error.</summary>
    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, JsonElement, CheckResult> judge) =>
        EvidenceChecks.Each(input, AzureKinds.StorageAccount, ["properties"], item => judge(item, item.Payload.GetProperty("properties")));
}
