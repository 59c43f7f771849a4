using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

/// <summary>Whether a bucket is public by ACL or policy, after its own and the account's public access block.</summary>
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

        var ignoreAcls = Blocks(bucket.Payload.Path("PublicAccessBlock"), "IgnorePublicAcls") || Blocks(account?.Payload, "IgnorePublicAcls");
        var restrictPolicy = Blocks(bucket.Payload.Path("PublicAccessBlock"), "RestrictPublicBuckets") || Blocks(account?.Payload, "RestrictPublicBuckets");
        if (!ignoreAcls && PublicGrants(bucket).Any())
        {
            return (true, "ACL grants access to everyone", null);
        }

        if (!restrictPolicy && bucket.Payload.Path("Policy", "Policy") is { } policy &&
            CheckSupport.Statements(policy).Any(s => s.Str("Effect") == "Allow" &&
                (CheckSupport.IsEveryone(s.Prop("Principal")) || s.Prop("NotPrincipal") is not null) && !Narrows(s.Prop("Condition"))))
        {
            return (true, "the policy allows everyone (no condition narrows who)", null);
        }

        return (false, null, null);
    }

    /// <summary>
    /// Condition keys that restrict who (or from where) a statement applies to. Any other condition (e.g.
    /// aws:SecureTransport) leaves an Allow to "*" public.
    /// </summary>
    private static readonly string[] NarrowingKeys =
    [
        "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
        "aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:principalorgpaths", "aws:userid", "aws:username",
        "aws:sourceorgid", "aws:sourceorgpaths", "s3:dataaccesspointaccount",
    ];

    private static bool Narrows(JsonElement? condition) =>
        condition is { ValueKind: JsonValueKind.Object } c &&
        c.EnumerateObject().Any(op => op.Value.ValueKind == JsonValueKind.Object &&
            op.Value.EnumerateObject().Any(key => NarrowingKeys.Contains(key.Name.ToLowerInvariant())));

    public static IEnumerable<JsonElement> PublicGrants(EvidenceItem bucket) =>
        bucket.Payload.Path("Acl").GetValueOrDefault().Array("Grants").Where(g =>
            g.Path("Grantee", "URI")?.GetString() is { } uri && (uri.EndsWith("/AllUsers", StringComparison.Ordinal) || uri.EndsWith("/AuthenticatedUsers", StringComparison.Ordinal)));

    /// <summary>True when a public-access-block section is configured with <paramref name="flag"/> on.</summary>
    public static bool Blocks(JsonElement? section, string flag) =>
        section is { } s && s.Bool("Configured") == true && s.Prop("PublicAccessBlockConfiguration") is { } c && c.Bool(flag) == true;

    public static bool BlocksAll(JsonElement? section) =>
        new[] { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" }.All(f => Blocks(section, f));
}

internal static class Buckets
{
    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation, params string[] extraKinds) =>
        new(Provider.Aws, id, title, severity, "AwsS3Bucket", rationale, remediation, [AwsKinds.S3Bucket, .. extraKinds], ItemByItem: extraKinds.Length == 0);
}

public sealed class BucketDefaultEncryptionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_default_encryption_enabled", "S3 buckets have default encryption", Severity.Medium,
        "Default encryption protects every object written without an explicit encryption header.", "Configure default encryption (SSE-S3 or SSE-KMS) on the bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["Encryption"], item =>
        {
            var rules = item.Payload.Path("Encryption", "ServerSideEncryptionConfiguration").GetValueOrDefault().Array("ServerSideEncryptionRules")
                .Select(r => r.Path("ServerSideEncryptionByDefault", "ServerSideEncryptionAlgorithm")?.GetString()).Where(a => !string.IsNullOrEmpty(a)).ToList();
            return CheckResult.Of(item, item.Payload.Path("Encryption")?.Bool("Configured") == true && rules.Count > 0,
                $"default encryption {string.Join(",", rules)}", "no default encryption configured");
        });
}

public sealed class BucketKmsEncryptionCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_kms_encryption", "S3 buckets encrypt with KMS keys", Severity.Low,
        "SSE-KMS puts a key policy and CloudTrail-logged key use in front of the data.", "Set the bucket's default encryption to aws:kms with a customer-managed key.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["Encryption"], item =>
        {
            var kms = item.Payload.Path("Encryption", "ServerSideEncryptionConfiguration").GetValueOrDefault().Array("ServerSideEncryptionRules")
                .Any(r => r.Path("ServerSideEncryptionByDefault", "ServerSideEncryptionAlgorithm")?.GetString() is "aws:kms" or "aws:kms:dsse");
            return CheckResult.Of(item, kms, "default encryption uses KMS", "default encryption does not use KMS");
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
        return CheckSupport.Each(input, AwsKinds.S3Bucket, ["PublicAccessBlock"], item =>
        {
            var bucketLevel = BucketExposure.BlocksAll(item.Payload.Path("PublicAccessBlock"));
            var accountLevel = account is not null && BucketExposure.BlocksAll(account.Payload);
            var used = account is null ? new[] { item } : [item, account];
            return CheckSupport.Result(item.ResourceId, item.Region, bucketLevel || accountLevel ? FindingStatus.Pass : FindingStatus.Fail,
                bucketLevel ? "bucket blocks all public access" : accountLevel ? "the account blocks all public access" : "public access is not fully blocked", used);
        });
    }
}

public sealed class BucketAclNotPublicCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_acl_not_public", "S3 bucket ACLs grant nothing to AllUsers or AuthenticatedUsers", Severity.Critical,
        "A grant to AllUsers/AuthenticatedUsers exposes the bucket to anyone on the internet (or any AWS customer).", "Remove the public grants; disable ACLs (BucketOwnerEnforced).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["Acl"], item =>
        {
            var grants = BucketExposure.PublicGrants(item).Select(g => g.Str("Permission")).ToList();
            return CheckResult.Of(item, grants.Count == 0, "no public ACL grant", $"public ACL grants: {string.Join(",", grants)}");
        });
}

public sealed class BucketVersioningCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_versioning_enabled", "S3 buckets have versioning enabled", Severity.Medium,
        "Versioning keeps prior object versions so deleted or overwritten data can be restored.", "Enable versioning on the bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["Versioning"], item =>
            CheckResult.Of(item, item.Payload.Path("Versioning")?.Str("Status") == "Enabled", "versioning enabled", "versioning not enabled"));
}

public sealed class BucketAccessLoggingCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_server_access_logging_enabled", "S3 buckets log server access", Severity.Medium,
        "Server access logs record who requested which object, for investigations.", "Enable server access logging to a dedicated log bucket.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["Logging"], item =>
            CheckResult.Of(item, !string.IsNullOrEmpty(item.Payload.Path("Logging")?.Str("TargetBucketName")), "server access logging enabled", "server access logging disabled"));
}

public sealed class BucketSecureTransportCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Buckets.Meta("aws.s3.bucket_secure_transport_required", "S3 bucket policies deny requests without TLS", Severity.Medium,
        "Denying aws:SecureTransport=false ensures data in transit to the bucket is always encrypted.",
        "Add a Deny statement for all principals with Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["Policy"], item =>
        {
            var bucketArn = item.Payload.Path("Bucket", "BucketName")?.GetString() is { } name ? $"arn:aws:s3:::{name}" : item.ResourceId;
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
        CheckSupport.Each(input, AwsKinds.S3Bucket, ["ObjectLock"], item =>
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
        CheckSupport.Each(input, AwsKinds.S3AccountPublicAccessBlock, [], item =>
            CheckResult.Of(item, BucketExposure.BlocksAll(item.Payload), "all four settings enabled", "the account's public access block is missing or incomplete"));
}
