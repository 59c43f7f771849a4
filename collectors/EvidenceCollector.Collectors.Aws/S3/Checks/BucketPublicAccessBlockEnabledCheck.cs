using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class BucketPublicAccessBlockEnabledCheck : ICheck
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
