using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class AccountMfaEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.account_mfa_enabled", "Account summary reports MFA on the root user", Severity.High, "AwsAccount",
        "GetAccountSummary's AccountMFAEnabled confirms the root user has MFA independently of the credential report.",
        "Enable MFA for the root user.", [AwsKinds.IamAccountSummary]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.IamAccountSummary, [], item =>
            item.Payload.Prop("SummaryMap") is not { } map
                ? CheckResult.Error(item, "the account summary has no SummaryMap")
                : RootCredentials.None(item) is { } why ? CheckResult.NotApplicable(item, why)
                : map.Long("AccountMFAEnabled") is not { } mfa ? CheckResult.Error(item, "the account summary has no AccountMFAEnabled")
                : CheckResult.Of(item, mfa == 1, "AccountMFAEnabled is 1", "AccountMFAEnabled is not 1"));
}
