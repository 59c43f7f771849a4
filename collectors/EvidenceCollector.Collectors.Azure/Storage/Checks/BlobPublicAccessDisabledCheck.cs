using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class BlobPublicAccessDisabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.blob_public_access_disabled", "Storage accounts do not allow anonymous blob access", Severity.High,
        "An account that allows public blob access lets any container be made readable by anyone on the internet.", "Set allowBlobPublicAccess to false.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) => ArmJson.Bool(p, "allowBlobPublicAccess") switch
        {
            false => CheckResult.Pass(item, $"{ArmJson.Name(item)} disallows anonymous blob access"),
            true => CheckResult.Fail(item, $"{ArmJson.Name(item)} allows anonymous blob access"),
            // Absent: allowed for accounts created before November 2023, which is when ARM stops returning it as set.
            null => CheckResult.Fail(item, $"{ArmJson.Name(item)} does not set allowBlobPublicAccess, which leaves anonymous access allowed on older accounts"),
        });
}
