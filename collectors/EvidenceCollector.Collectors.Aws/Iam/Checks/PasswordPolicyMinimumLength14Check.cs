using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class PasswordPolicyMinimumLength14Check : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_minimum_length_14", "Password policy requires at least 14 characters",
        "Length is the strongest single defence of a password against guessing.", "Set MinimumPasswordLength to 14 or more.");

    protected override (bool, string) Judge(JsonElement policy) => policy.Long("MinimumPasswordLength") is >= 14 and var n
        ? (true, $"minimum length {n}") : (false, $"minimum length {policy.Long("MinimumPasswordLength")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"} is below 14");
}
