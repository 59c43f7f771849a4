using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

/// <summary>
/// S3's meaning of a public bucket policy: an <c>Allow</c> to everyone (<c>"*"</c>, an AWS principal with a
/// wildcard, or <c>NotPrincipal</c>) of an action that can read or write data is public unless a condition fixes
/// who or where with a positive operator on a fixed value: <c>aws:SourceIp</c> (a CIDR other than 0.0.0.0/0 or
/// ::/0), <c>aws:SourceArn</c>, <c>aws:SourceVpc</c>, <c>aws:SourceVpce</c>, <c>aws:SourceOwner</c>,
/// <c>aws:SourceAccount</c>, <c>aws:PrincipalOrgID</c>, <c>aws:PrincipalAccount</c>, <c>aws:PrincipalArn</c>,
/// <c>aws:SourceOrgID</c>, <c>aws:userid</c> (not an <c>AROLEID:*</c> pattern) or
/// <c>s3:x-amz-server-side-encryption-aws-kms-key-id</c>. <c>Not*</c> operators, <c>…IfExists</c>,
/// <c>ForAllValues:</c> (true on an empty set) and values with wildcards restrict nothing.
/// </summary>
public static class PolicyExposure
{
    private static readonly string[] FixingKeys =
    [
        "aws:sourceip", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount", "aws:principalorgid",
        "aws:principalaccount", "aws:principalarn", "aws:sourceorgid", "aws:userid", "s3:x-amz-server-side-encryption-aws-kms-key-id",
    ];

    private static readonly string[] PositiveOperators =
        ["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"];

    /// <summary>Why the policy is public (the first public statement), or null.</summary>
    public static string? PublicStatement(JsonElement policy)
    {
        foreach (var statement in CheckSupport.Statements(policy))
        {
            if (statement.Str("Effect") != "Allow" || !ToEveryone(statement) || !BadActions(statement) || Fixes(statement.Prop("Condition")))
            {
                continue;
            }

            var sid = statement.Str("Sid") is { Length: > 0 } s ? $" ({s})" : string.Empty;
            return $"the policy allows everyone{sid} with no condition that fixes who or where";
        }

        return null;
    }

    private static bool ToEveryone(JsonElement statement)
    {
        if (statement.Prop("NotPrincipal") is not null)
        {
            return true;
        }

        return statement.Prop("Principal") switch
        {
            { ValueKind: JsonValueKind.String } p => p.GetString() == "*",
            { ValueKind: JsonValueKind.Object } o => CheckSupport.Strings(o.Prop("AWS")).Any(a => a.Contains('*', StringComparison.Ordinal))
                || CheckSupport.Strings(o.Prop("CanonicalUser")).Contains("*"),
            _ => false,
        };
    }

    /// <summary>Actions that can expose data: s3:Get*, s3:List*, s3:Put*, s3:Delete*, s3:AbortMultipartUpload, s3:RestoreObject (and wildcards, and NotAction).</summary>
    private static bool BadActions(JsonElement statement) =>
        statement.Prop("NotAction") is not null ||
        CheckSupport.Strings(statement.Prop("Action")).Any(a =>
        {
            var action = a.ToLowerInvariant();
            return action is "*" or "s3:*" || action.StartsWith("s3:get", StringComparison.Ordinal) || action.StartsWith("s3:list", StringComparison.Ordinal)
                || action.StartsWith("s3:put", StringComparison.Ordinal) || action.StartsWith("s3:delete", StringComparison.Ordinal)
                || action is "s3:abortmultipartupload" or "s3:restoreobject" || (action.StartsWith("s3:", StringComparison.Ordinal) && action.Contains('*', StringComparison.Ordinal));
        });

    private static bool Fixes(JsonElement? condition)
    {
        if (condition is not { ValueKind: JsonValueKind.Object } c)
        {
            return false;
        }

        foreach (var op in c.EnumerateObject())
        {
            var name = op.Name.ToLowerInvariant();
            if (name.StartsWith("forallvalues:", StringComparison.Ordinal) || name.EndsWith("ifexists", StringComparison.Ordinal))
            {
                continue;
            }

            var bare = name.StartsWith("foranyvalue:", StringComparison.Ordinal) ? name["foranyvalue:".Length..] : name;
            if (!PositiveOperators.Contains(bare) || op.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                var k = key.Name.ToLowerInvariant();
                var values = CheckSupport.Strings(key.Value);
                if (!FixingKeys.Contains(k) || values.Count == 0)
                {
                    continue;
                }

                var fixedValues = k switch
                {
                    "aws:sourceip" => bare == "ipaddress" && values.All(v => v is not ("0.0.0.0/0" or "::/0" or "0.0.0.0" or "::")),
                    "aws:userid" => values.All(v => !v.Contains('*', StringComparison.Ordinal) && !v.Contains('?', StringComparison.Ordinal)),
                    _ => bare != "ipaddress" && values.All(v => !v.Contains('*', StringComparison.Ordinal) && !v.Contains('?', StringComparison.Ordinal)),
                };
                if (fixedValues)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
