using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

public sealed class AccountPublicAccessBlockEnabledCheck : ICheck
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
