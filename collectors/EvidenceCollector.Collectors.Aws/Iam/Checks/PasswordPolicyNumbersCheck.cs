using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class PasswordPolicyNumbersCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_numbers", "Password policy requires a number",
        "Character classes widen the search space of short passwords.", "Enable RequireNumbers.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireNumbers") ? (true, "numbers required") : (false, "numbers not required");
}
