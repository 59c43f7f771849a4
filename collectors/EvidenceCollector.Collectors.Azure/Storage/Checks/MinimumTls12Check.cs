using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class MinimumTls12Check : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.minimum_tls_1_2", "Storage accounts refuse TLS below 1.2", Severity.Medium,
        "TLS 1.0 and 1.1 have known weaknesses; an account that accepts them lets a client downgrade the connection.", "Set minimumTlsVersion to TLS1_2.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) =>
        {
            // Absent: ARM's default for the account, TLS 1.0.
            var version = ArmJson.Text(p, "minimumTlsVersion") ?? "TLS1_0";
            return CheckResult.Of(item, version is "TLS1_2" or "TLS1_3", $"{ArmJson.Name(item)} requires {version}", $"{ArmJson.Name(item)} accepts {version}{(ArmJson.Text(p, "minimumTlsVersion") is null ? " (minimumTlsVersion not set)" : string.Empty)}");
        });
}
