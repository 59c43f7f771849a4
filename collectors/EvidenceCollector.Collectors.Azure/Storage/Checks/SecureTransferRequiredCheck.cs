using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class SecureTransferRequiredCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.secure_transfer_required", "Storage accounts require secure transfer (HTTPS)", Severity.High,
        "Without secure transfer, requests and shared access signatures can travel in clear text.", "Set supportsHttpsTrafficOnly to true.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) => ArmJson.Bool(p, "supportsHttpsTrafficOnly") is { } https
            ? CheckResult.Of(item, https, $"{ArmJson.Name(item)} accepts HTTPS only", $"{ArmJson.Name(item)} accepts plain HTTP")
            : CheckResult.Error(item, $"{ArmJson.Name(item)}: supportsHttpsTrafficOnly is not in the evidence"));
}
