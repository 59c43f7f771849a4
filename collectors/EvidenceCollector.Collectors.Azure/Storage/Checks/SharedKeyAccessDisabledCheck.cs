using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class SharedKeyAccessDisabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.shared_key_access_disabled", "Storage accounts refuse shared key authorization", Severity.Medium,
        "Account keys grant full access, never expire on their own and are not tied to an identity; Entra ID authorization is auditable per principal.", "Set allowSharedKeyAccess to false once clients use Entra ID.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) => ArmJson.Bool(p, "allowSharedKeyAccess") == false
            ? CheckResult.Pass(item, $"{ArmJson.Name(item)} refuses shared key authorization")
            // Absent or null: ARM's default, allowed.
            : CheckResult.Fail(item, $"{ArmJson.Name(item)} accepts shared key authorization"));
}
