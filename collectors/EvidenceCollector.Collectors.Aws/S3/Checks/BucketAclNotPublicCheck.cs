using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

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
