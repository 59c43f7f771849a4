using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class PasswordPolicySymbolsCheck : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_symbols", "Password policy requires a symbol",
        "Character classes widen the search space of short passwords.", "Enable RequireSymbols.");

    protected override (bool, string) Judge(JsonElement policy) => policy.IsTrue("RequireSymbols") ? (true, "symbols required") : (false, "symbols not required");
}
