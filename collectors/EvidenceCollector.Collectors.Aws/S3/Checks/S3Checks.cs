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

internal static class Buckets
{
    /// <summary>
    /// The default-encryption settings of a bucket as S3 writes them
    /// (<c>ServerSideEncryptionConfiguration/Rule/ApplyServerSideEncryptionByDefault</c>; one rule or several).
    /// </summary>
    public static IEnumerable<JsonElement> EncryptionDefaults(EvidenceItem item)
    {
        var rules = item.Payload.Path("Encryption", "ServerSideEncryptionConfiguration")?.Prop("Rule");
        var list = rules switch
        {
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().ToList(),
            { ValueKind: JsonValueKind.Object } o => [o],
            _ => [],
        };
        return list.Select(r => r.Prop("ApplyServerSideEncryptionByDefault")).Where(d => d is { ValueKind: JsonValueKind.Object }).Select(d => d!.Value);
    }

    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation, params string[] extraKinds) =>
        new(Provider.Aws, id, title, severity, "AwsS3Bucket", rationale, remediation, [AwsKinds.S3Bucket, .. extraKinds], ItemByItem: extraKinds.Length == 0);
}

public sealed class BucketDefaultEncryptionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_default_encryption_enabled", "S3 buckets have default encryption", Severity.Medium,
        "Default encryption protects every object written without an explicit encryption header.", "Configure default encryption (SSE-S3 or SSE-KMS) on the bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Encryption"], item =>
        {
            var rules = Buckets.EncryptionDefaults(item).Select(d => d.Str("SSEAlgorithm")).Where(a => !string.IsNullOrEmpty(a)).ToList();
            return CheckResult.Of(item, item.Payload.Path("Encryption")?.Bool("Configured") == true && rules.Count > 0,
                $"default encryption {string.Join(",", rules)}", "no default encryption configured");
        });
}

public sealed class BucketKmsEncryptionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_kms_encryption", "S3 buckets encrypt with KMS keys", Severity.Low,
        "SSE-KMS puts a key policy and CloudTrail-logged key use in front of the data.", "Set the bucket's default encryption to aws:kms with a customer-managed key.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Encryption"], item =>
        {
            var kms = Buckets.EncryptionDefaults(item).Where(d => d.Str("SSEAlgorithm") is "aws:kms" or "aws:kms:dsse").ToList();

            // aws:kms with no key id (or the alias aws/s3) is the AWS managed key: no key policy of the organisation's own.
            var customer = kms.Any(d => d.Str("KMSMasterKeyID") is { Length: > 0 } key && !key.EndsWith("alias/aws/s3", StringComparison.Ordinal));
            return CheckResult.Of(item, customer, "default encryption uses a customer-managed KMS key",
                kms.Count > 0 ? "default encryption uses the AWS managed key (aws:kms without a customer key)" : "default encryption does not use KMS");
        });
}

public sealed class BucketPublicAccessBlockCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_public_access_block_enabled", "S3 buckets block public access", Severity.High,
        "The public access block stops ACLs and policies from making data public by mistake.",
        "Enable all four public access block settings on the bucket (or for the account).", AwsKinds.S3AccountPublicAccessBlock);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var account = input.OfKind(AwsKinds.S3AccountPublicAccessBlock).FirstOrDefault();
        string[] flags = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];
        return EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["PublicAccessBlock"], item =>
        {
            // Each flag is in force when the bucket or the account sets it.
            var effective = flags.Select(f => (Flag: f, On: BucketExposure.Effective(item, account, f))).ToList();
            var used = account is null ? new[] { item } : [item, account];
            var off = effective.Where(e => e.On == false).Select(e => e.Flag).ToList();
            var status = off.Count > 0 ? FindingStatus.Fail : effective.Any(e => e.On is null) ? FindingStatus.Error : FindingStatus.Pass;
            var message = status switch
            {
                FindingStatus.Pass => BucketExposure.BlocksAll(item.Payload.Path("PublicAccessBlock")) ? "bucket blocks all public access" : "all four settings in force (bucket and account combined)",
                FindingStatus.Fail => $"public access is not fully blocked: {string.Join(", ", off)} off for the bucket and the account",
                _ => "the account's public access block could not be read, so the bucket's effective block is unknown",
            };
            return EvidenceChecks.Result(item.ResourceId, item.Region, status, message, used);
        });
    }
}

public sealed class BucketAclNotPublicCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_acl_not_public", "S3 bucket ACLs grant nothing to AllUsers or AuthenticatedUsers", Severity.Critical,
        "A grant to AllUsers/AuthenticatedUsers exposes the bucket to anyone on the internet (or any AWS customer).", "Remove the public grants; disable ACLs (BucketOwnerEnforced).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Acl"], item =>
        {
            var grants = BucketExposure.PublicGrants(item).Select(g => g.Str("Permission")).ToList();
            return CheckResult.Of(item, grants.Count == 0, "no public ACL grant", $"public ACL grants: {string.Join(",", grants)}");
        });
}

public sealed class BucketPolicyNotPublicCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_policy_not_public", "S3 bucket policies grant nothing to everyone", Severity.Critical,
        "A bucket policy that allows everyone, with no condition fixing who or where, exposes the data to the internet unless the public access block restricts it.",
        "Remove or narrow the public statements (a fixed principal, aws:SourceVpce, aws:PrincipalOrgID…), or enable RestrictPublicBuckets.", AwsKinds.S3AccountPublicAccessBlock);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var account = input.OfKind(AwsKinds.S3AccountPublicAccessBlock).FirstOrDefault();
        return EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Policy", "PublicAccessBlock"], item =>
        {
            var used = account is null ? new[] { item } : [item, account];
            var reason = BucketExposure.PublicPolicy(item);
            if (reason is null)
            {
                return EvidenceChecks.Result(item.ResourceId, item.Region, FindingStatus.Pass,
                    item.Payload.Path("Policy")?.Bool("Configured") == true ? "the bucket policy grants nothing to everyone" : "the bucket has no policy", used);
            }

            return BucketExposure.Effective(item, account, "RestrictPublicBuckets") switch
            {
                true => EvidenceChecks.Result(item.ResourceId, item.Region, FindingStatus.Pass, $"{reason}, but RestrictPublicBuckets limits it to AWS services and the account's own principals", used),
                false => EvidenceChecks.Result(item.ResourceId, item.Region, FindingStatus.Fail, reason, used),
                null => EvidenceChecks.Result(item.ResourceId, item.Region, FindingStatus.Error, $"{reason}; the account's public access block could not be read, so whether S3 restricts it is unknown", used),
            };
        });
    }
}

public sealed class BucketVersioningCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_versioning_enabled", "S3 buckets have versioning enabled", Severity.Medium,
        "Versioning keeps prior object versions so deleted or overwritten data can be restored.", "Enable versioning on the bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Versioning"], item =>
            CheckResult.Of(item, item.Payload.Path("Versioning")?.Str("Status") == "Enabled", "versioning enabled", "versioning not enabled"));
}

public sealed class BucketAccessLoggingCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_server_access_logging_enabled", "S3 buckets log server access", Severity.Medium,
        "Server access logs record who requested which object, for investigations.", "Enable server access logging to a dedicated log bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Logging"], item =>
            CheckResult.Of(item, !string.IsNullOrEmpty(item.Payload.Path("Logging")?.Str("TargetBucketName")), "server access logging enabled", "server access logging disabled"));
}

public sealed class BucketSecureTransportCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_secure_transport_required", "S3 bucket policies deny requests without TLS", Severity.Medium,
        "Denying aws:SecureTransport=false ensures data in transit to the bucket is always encrypted.",
        "Add a Deny statement for all principals with Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["Policy"], item =>
        {
            var bucketArn = item.Payload.Path("Bucket", "BucketName")?.GetString() is { } name ? $"arn:{AwsArn.Partition(item.Region)}:s3:::{name}" : item.ResourceId;
            var denies = item.Payload.Path("Policy", "Policy") is { } policy && CheckSupport.Statements(policy).Any(s =>
                s.Str("Effect") == "Deny" && CheckSupport.IsEveryone(s.Prop("Principal")) &&
                CheckSupport.Strings(s.Prop("Action")).Any(a => a is "*" or "s3:*") &&
                CoversBucketAndObjects(CheckSupport.Strings(s.Prop("Resource")), bucketArn) &&
                s.Path("Condition", "Bool") is { ValueKind: JsonValueKind.Object } b &&
                b.EnumerateObject().Any(k => string.Equals(k.Name, "aws:SecureTransport", StringComparison.OrdinalIgnoreCase) &&
                    CheckSupport.Strings(k.Value).Any(v => string.Equals(v, "false", StringComparison.OrdinalIgnoreCase))));
            return CheckResult.Of(item, denies, "the policy denies insecure transport", "no policy statement denies every action without TLS (aws:SecureTransport=false) on the bucket and its objects");
        });

    /// <summary>True when the resources cover the bucket and every object in it.</summary>
    private static bool CoversBucketAndObjects(IReadOnlyList<string> resources, string bucketArn) =>
        resources.Contains("*") ||
        (resources.Contains(bucketArn) && (resources.Contains(bucketArn + "/*") || resources.Contains(bucketArn + "*")));
}

public sealed class BucketObjectLockCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_object_lock_enabled", "S3 buckets have Object Lock enabled", Severity.Low,
        "Object Lock makes backups and records immutable for their retention period (ransomware, accidental deletion).",
        "Enable Object Lock (new buckets, or via support for existing ones) with a default retention where records or backups are kept.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3Bucket, ["ObjectLock"], item =>
            CheckResult.Of(item, item.Payload.Path("ObjectLock", "ObjectLockConfiguration")?.Str("ObjectLockEnabled") == "Enabled", "Object Lock enabled", "Object Lock not enabled"));
}

public sealed class AccountPublicAccessBlockCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.s3.account_public_access_block_enabled", "The account blocks S3 public access", Severity.High, "AwsAccount",
        "The account-level public access block protects every current and future bucket.",
        "Enable all four settings of the account's S3 public access block.", [AwsKinds.S3AccountPublicAccessBlock]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.S3AccountPublicAccessBlock, [], item =>
            item.Payload.Bool("Configured") is null
                ? CheckResult.Error(item, "the account's public access block could not be read" + (item.Payload.Prop("error") is { } e ? $": {e.Str("code")}" : string.Empty))
                : CheckResult.Of(item, BucketExposure.BlocksAll(item.Payload), "all four settings enabled", "the account's public access block is missing or incomplete"));
}
