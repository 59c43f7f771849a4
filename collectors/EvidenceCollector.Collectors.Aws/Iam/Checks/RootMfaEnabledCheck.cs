using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class RootMfaEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.root_mfa_enabled", "Root user has MFA enabled", Severity.Critical, "AwsAccount",
        "The root user has unrestricted access to the account; a password alone is one phishing away from takeover.",
        "Enable a hardware or virtual MFA device for the root user (IAM console → Security credentials).",
        [AwsKinds.IamCredentialReport, AwsKinds.IamAccountSummary]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var summary = input.OfKind(AwsKinds.IamAccountSummary).FirstOrDefault();
        return CredentialReport.Root(input, (item, row, _) =>
            RootCredentials.None(summary) is { } why
                ? new CheckResult(CredentialReport.Arn(row, item), Target.Global, FindingStatus.NotApplicable, why, [item.Hash, summary!.Hash])
                : CredentialReport.Of(item, row, row.Bool("mfa_active") == true, "root user has MFA", "root user has no MFA device"));
    }
}
