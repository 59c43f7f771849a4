using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class RootNoAccessKeysCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.root_no_access_keys", "Root user has no active access keys", Severity.Critical, "AwsAccount",
        "Root access keys give unrestricted programmatic access that cannot be limited by policy.",
        "Delete the root user's access keys; use IAM roles for automation.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Root(input, (item, row, _) => CredentialReport.Of(item, row,
            !CredentialReport.Active(row, 1) && !CredentialReport.Active(row, 2), "root user has no active access keys", "root user has active access keys"));
}
