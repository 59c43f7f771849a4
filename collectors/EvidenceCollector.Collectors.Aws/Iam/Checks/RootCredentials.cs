using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>
/// Whether the root user has any credential to protect: with centralised root access (AWS Organizations) a
/// member account's root has no password, access key or signing certificate, and MFA on it is moot.
/// </summary>
internal static class RootCredentials
{
    /// <summary>Why root MFA is not applicable (the account summary shows no root credential); null when it applies or the summary does not say.</summary>
    public static string? None(EvidenceItem? summary)
    {
        if (summary?.Payload.Prop("SummaryMap") is not { ValueKind: System.Text.Json.JsonValueKind.Object } map || map.Long("AccountPasswordPresent") is not { } password)
        {
            return null;
        }

        return password == 0 && map.Long("AccountAccessKeysPresent") == 0 && map.Long("AccountSigningCertificatesPresent") is null or 0
            ? "the root user has no password, access key or signing certificate (centralised root access): no credential for MFA to protect"
            : null;
    }
}
