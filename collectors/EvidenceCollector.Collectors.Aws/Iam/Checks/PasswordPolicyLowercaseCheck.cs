using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class PasswordPolicyLowercaseCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_lowercase", "Password policy requires a lowercase letter",
        "Character classes widen the search space of short passwords.", "Enable RequireLowercaseCharacters.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireLowercaseCharacters") ? (true, "lowercase required") : (false, "lowercase not required");
}
