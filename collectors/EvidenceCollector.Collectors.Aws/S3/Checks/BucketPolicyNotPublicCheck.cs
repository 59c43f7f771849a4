using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

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
