using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class UserConsoleMfaEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.user_console_mfa_enabled", "IAM users with a console password have MFA", Severity.High, "AwsIamUser",
        "A console password without MFA is a single factor that phishing or reuse can defeat.",
        "Assign an MFA device to every IAM user with console access, or remove the console password.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Users(input, (item, row, _) => row.Bool("password_enabled") != true
            ? CredentialReport.Of(item, row, true, "no console password", string.Empty)
            : CredentialReport.Of(item, row, row.Bool("mfa_active") == true, "console user has MFA", "console password without MFA"));
}
