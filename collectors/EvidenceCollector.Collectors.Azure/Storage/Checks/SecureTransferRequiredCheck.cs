using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Storage.Checks;

public sealed class SecureTransferRequiredCheck : ICheck
{
    public CheckMetadata Metadata { get; } = StorageAccounts.Meta("azure.storage.secure_transfer_required", "Storage accounts require secure transfer (HTTPS)", Severity.High,
        "Without secure transfer, requests and shared access signatures can travel in clear text.", "Set supportsHttpsTrafficOnly to true.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        StorageAccounts.Each(input, (item, p) => StorageAccounts.Bool(p, "supportsHttpsTrafficOnly") is { } https
            ? CheckResult.Of(item, https, $"{StorageAccounts.Name(item)} accepts HTTPS only", $"{StorageAccounts.Name(item)} accepts plain HTTP")
            : CheckResult.Error(item, $"{StorageAccounts.Name(item)}: supportsHttpsTrafficOnly is not in the evidence"));
}
