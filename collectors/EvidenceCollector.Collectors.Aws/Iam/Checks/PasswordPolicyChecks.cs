using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>One rule over the account password policy; a missing policy (NoSuchEntity) fails.</summary>
public abstract class PasswordPolicyCheck : ICheck
{
    public abstract CheckMetadata Metadata { get; }

    protected abstract (bool Passed, string Message) Judge(JsonElement policy);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.IamPasswordPolicy, [], item =>
        {
            // Only an explicit "no policy" (NoSuchEntity) is a fail; a malformed answer is an error.
            if (item.Payload.Bool("PasswordPolicyPresent") is not { } present)
            {
                return CheckResult.Error(item, "evidence incomplete: PasswordPolicyPresent is missing");
            }

            if (!present)
            {
                return CheckResult.Fail(item, "the account has no IAM password policy");
            }

            if (item.Payload.Prop("PasswordPolicy") is not { ValueKind: System.Text.Json.JsonValueKind.Object } policy)
            {
                return CheckResult.Error(item, "evidence incomplete: the answer has no PasswordPolicy");
            }

            var (passed, message) = Judge(policy);
            return passed ? CheckResult.Pass(item, message) : CheckResult.Fail(item, message);
        });

    protected static CheckMetadata Meta(string id, string title, string rationale, string remediation) =>
        new(Provider.Aws, id, title, Severity.Medium, "AwsAccount", rationale, remediation, [AwsKinds.IamPasswordPolicy]);
}

public sealed class PasswordPolicyMinimumLengthCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_minimum_length_14", "Password policy requires at least 14 characters",
        "Length is the strongest single defence of a password against guessing.", "Set MinimumPasswordLength to 14 or more.");

    protected override (bool, string) Judge(JsonElement policy) => policy.Long("MinimumPasswordLength") is >= 14 and var n
        ? (true, $"minimum length {n}") : (false, $"minimum length {policy.Long("MinimumPasswordLength")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"} is below 14");
}

public sealed class PasswordPolicyReuseCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_reuse_24", "Password policy prevents reuse of the last 24 passwords",
        "Preventing reuse stops users cycling back to a password that may already be compromised.", "Set PasswordReusePrevention to 24.");

    protected override (bool, string) Judge(JsonElement policy) => policy.Long("PasswordReusePrevention") is >= 24
        ? (true, "reuse of the last 24 passwords prevented") : (false, "password reuse prevention below 24");
}

public sealed class PasswordPolicyUppercaseCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_uppercase", "Password policy requires an uppercase letter",
        "Character classes widen the search space of short passwords.", "Enable RequireUppercaseCharacters.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireUppercaseCharacters") ? (true, "uppercase required") : (false, "uppercase not required");
}

public sealed class PasswordPolicyLowercaseCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_lowercase", "Password policy requires a lowercase letter",
        "Character classes widen the search space of short passwords.", "Enable RequireLowercaseCharacters.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireLowercaseCharacters") ? (true, "lowercase required") : (false, "lowercase not required");
}

public sealed class PasswordPolicyNumbersCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_numbers", "Password policy requires a number",
        "Character classes widen the search space of short passwords.", "Enable RequireNumbers.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireNumbers") ? (true, "numbers required") : (false, "numbers not required");
}

public sealed class PasswordPolicySymbolsCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_symbols", "Password policy requires a symbol",
        "Character classes widen the search space of short passwords.", "Enable RequireSymbols.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireSymbols") ? (true, "symbols required") : (false, "symbols not required");
}

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
