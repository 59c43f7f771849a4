using System.Text.Json;
using EvidenceCollector.Checks;
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
        ArmJson.Meta(id, title, severity, "AzureStorageAccount", rationale, remediation, AzureKinds.StorageAccount);

    /// <summary>Each account judged on its <c>properties</c>; an account without them is an error.</summary>
    public static IEnumerable<CheckResult> Each(CheckInput input, Func<EvidenceItem, JsonElement, CheckResult> judge) =>
        ArmJson.Each(input, AzureKinds.StorageAccount, judge);

    /// <summary>
    /// A soft delete policy of the account's blob service (<c>related.blobServices</c>): enabled passes, off or
    /// absent fails; an account without a blob service (FileStorage) is not applicable; an unread service an error.
    /// </summary>
    public static IEnumerable<CheckResult> SoftDelete(CheckInput input, string policy, string what) =>
        Each(input, (item, _) =>
        {
            var (services, error) = ArmJson.RelatedList(item, "blobServices");
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            if (services.Count == 0)
            {
                return CheckResult.NotApplicable(item, $"{ArmJson.Name(item)} has no blob service");
            }

            var settings = ArmJson.Object(ArmJson.Object(services[0], "properties"), policy);
            return ArmJson.Bool(settings, "enabled") == true
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} keeps deleted {what} for {ArmJson.Text(settings, "days") ?? "an unstated number of"} days")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} does not keep deleted {what} ({policy} off or absent)");
        });
}
