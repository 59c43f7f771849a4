using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class PasswordPolicyUppercaseCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_uppercase", "Password policy requires an uppercase letter",
        "Character classes widen the search space of short passwords.", "Enable RequireUppercaseCharacters.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireUppercaseCharacters") ? (true, "uppercase required") : (false, "uppercase not required");
}
