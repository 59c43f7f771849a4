using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class PasswordPolicyReuse24Check : PasswordPolicyCheck
{
    public override CheckMetadata Metadata { get; } = Meta("aws.iam.password_policy_reuse_24", "Password policy prevents reuse of the last 24 passwords",
        "Preventing reuse stops users cycling back to a password that may already be compromised.", "Set PasswordReusePrevention to 24.");

    protected override (bool, string) Judge(JsonElement policy) => policy.Long("PasswordReusePrevention") is >= 24
        ? (true, "reuse of the last 24 passwords prevented") : (false, "password reuse prevention below 24");
}
