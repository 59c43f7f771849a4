using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

/// <summary>
/// Whether a bucket is public by ACL or policy, after its effective public access block: each of the four
/// flags is the OR of the bucket's and the account's setting, as S3 applies them. When the bucket's own flags do
/// not settle the question and the account's block could not be read (no account item: S3 Control failed), the
/// answer is unknown: an error, never a fail or a pass.
/// </summary>
internal static class BucketExposure
{
    public static (bool Public, string? Reason, string? Error) Judge(EvidenceItem bucket, EvidenceItem? account)
    {
        foreach (var section in new[] { "Acl", "Policy", "PublicAccessBlock" })
        {
            if (bucket.Payload.SectionError(section) is { } e)
            {
                return (false, null, $"evidence incomplete: {section}: {e}");
            }
        }

        var acl = Effective(bucket, account, "IgnorePublicAcls");
        var policy = Effective(bucket, account, "RestrictPublicBuckets");
        if (acl is null && PublicGrants(bucket).Any() || policy is null && PublicPolicy(bucket) is not null)
        {
            return (false, null, "the account's public access block could not be read, so the effective block of the bucket is unknown");
        }

        if (acl == false && PublicGrants(bucket).Any())
        {
            return (true, "ACL grants access to everyone", null);
        }

        if (policy == false && PublicPolicy(bucket) is { } reason)
        {
            return (true, reason, null);
        }

        return (false, null, null);
    }

    /// <summary>
    /// The effective value of a public access block flag: true when the bucket or the account sets it, false when
    /// neither does, null when the bucket does not and the account's setting is unknown.
    /// </summary>
    public static bool? Effective(EvidenceItem bucket, EvidenceItem? account, string flag) =>
        Blocks(bucket.Payload.Path("PublicAccessBlock"), flag) ? true
        : account is null || account.Payload.Prop("error") is not null ? null
        : Blocks(account.Payload, flag);

    /// <summary>Why the bucket policy is public (S3's rule, see <see cref="PolicyExposure"/>); null when it is not (or there is none).</summary>
    public static string? PublicPolicy(EvidenceItem bucket) =>
        bucket.Payload.Path("Policy", "Policy") is { } policy ? PolicyExposure.PublicStatement(policy) : null;

    public static IEnumerable<JsonElement> PublicGrants(EvidenceItem bucket) =>
        bucket.Payload.Path("Acl").GetValueOrDefault().Array("Grants").Where(g =>
            g.Path("Grantee", "URI")?.GetString() is { } uri && (uri.EndsWith("/AllUsers", StringComparison.Ordinal) || uri.EndsWith("/AuthenticatedUsers", StringComparison.Ordinal)));

    /// <summary>True when a public-access-block section is configured with <paramref name="flag"/> on.</summary>
    public static bool Blocks(JsonElement? section, string flag) =>
        section is { } s && s.Bool("Configured") == true && s.Prop("PublicAccessBlockConfiguration") is { } c && c.Bool(flag) == true;

    public static bool BlocksAll(JsonElement? section) =>
        new[] { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" }.All(f => Blocks(section, f));
}
