using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>
/// What "administrator access" means in the IAM checks: an <c>Allow</c> on every resource (<c>Resource "*"</c>,
/// or <c>NotResource</c>) whose actions cover everything (<c>"*"</c> or <c>"*:*"</c>), or whose <c>NotAction</c>
/// leaves IAM allowed (the holder can grant itself anything). <c>PowerUserAccess</c> (<c>NotAction</c> iam:*,
/// organizations:*, account:*) is not administrator access. Conditions do not make a grant smaller here: they
/// say when, not what.
/// </summary>
internal static class Privilege
{
    public static bool AllowsAdmin(JsonElement statement)
    {
        if (statement.Str("Effect") != "Allow")
        {
            return false;
        }

        var everyResource = CheckSupport.Strings(statement.Prop("Resource")).Contains("*") || statement.Prop("NotResource") is not null;
        if (!everyResource)
        {
            return false;
        }

        if (CheckSupport.Strings(statement.Prop("Action")).Any(a => a is "*" or "*:*"))
        {
            return true;
        }

        return statement.Prop("NotAction") is { } notAction && !CheckSupport.Strings(notAction).Any(ExcludesIam);
    }

    /// <summary>True when a NotAction pattern matches some IAM action (so IAM is not wholly allowed).</summary>
    private static bool ExcludesIam(string pattern)
    {
        var p = pattern.ToLowerInvariant();
        if (p.StartsWith("iam:", StringComparison.Ordinal))
        {
            return true;
        }

        var star = p.IndexOfAny(['*', '?']);
        return star >= 0 && "iam:".StartsWith(p[..Math.Min(star, 4)], StringComparison.Ordinal);
    }

    /// <summary>True when a policy document has a readable Statement and one of its statements is administrator access.</summary>
    public static bool DocumentAllowsAdmin(JsonElement document) => CheckSupport.Statements(document).Any(AllowsAdmin);

    /// <summary>
    /// Whether a principal (user, group or role payload) holds administrator access through what is attached to it
    /// or written inline. <paramref name="policies"/> are the managed policies collected, by ARN.
    /// Returns the reason when it does, an unknown when some part could not be read, or neither.
    /// </summary>
    public static (string? Admin, string? Unknown, List<EvidenceItem> Used) Judge(EvidenceItem principal, string what, IReadOnlyDictionary<string, EvidenceItem> policies, bool policiesIncomplete)
    {
        var used = new List<EvidenceItem> { principal };
        string? unknown = null;
        if (principal.Payload.SectionError("InlinePolicies") is { } inlineError)
        {
            unknown = $"the inline policies of {what} could not be read ({inlineError})";
        }
        else
        {
            foreach (var inline in principal.Payload.Path("InlinePolicies").GetValueOrDefault().Array("Policies"))
            {
                if (inline.Prop("PolicyDocument") is not { } document || !CheckSupport.HasStatements(document))
                {
                    unknown ??= $"the inline policy {inline.Str("PolicyName")} of {what} has no readable Statement";
                    continue;
                }

                if (DocumentAllowsAdmin(document))
                {
                    return ($"the inline policy {inline.Str("PolicyName")} of {what} allows every action on every resource", null, used);
                }
            }
        }

        if (principal.Payload.SectionError("AttachedPolicies") is { } attachedError)
        {
            return (null, unknown ?? $"the policies attached to {what} could not be read ({attachedError})", used);
        }

        foreach (var attached in principal.Payload.Path("AttachedPolicies").GetValueOrDefault().Array("AttachedPolicies"))
        {
            var arn = attached.Str("PolicyArn") ?? string.Empty;

            // Any partition (aws, aws-us-gov, aws-cn): arn:<partition>:iam::aws:policy/AdministratorAccess.
            if (arn.StartsWith("arn:", StringComparison.Ordinal) && arn.EndsWith(":iam::aws:policy/AdministratorAccess", StringComparison.Ordinal))
            {
                return ($"AdministratorAccess is attached to {what}", null, used);
            }

            if (!policies.TryGetValue(arn, out var policy))
            {
                unknown ??= $"the managed policy {arn} attached to {what} was not collected" + (policiesIncomplete ? " (listing the policies failed)" : string.Empty);
                continue;
            }

            used.Add(policy);
            if (policy.Payload.SectionError("PolicyVersion") is not null || policy.Payload.Path("PolicyVersion", "Document") is not { } document || !CheckSupport.HasStatements(document))
            {
                unknown ??= $"the document of the managed policy {arn} attached to {what} could not be read";
                continue;
            }

            if (DocumentAllowsAdmin(document))
            {
                return ($"the managed policy {arn} attached to {what} allows every action on every resource", null, used);
            }
        }

        return (null, unknown, used);
    }

    public static Dictionary<string, EvidenceItem> PoliciesByArn(CheckInput input) =>
        input.OfKind(AwsKinds.IamPolicy).GroupBy(p => p.ResourceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
}
