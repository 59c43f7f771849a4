using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class RootNotRecentlyUsedCheck : ICheck
{
    public const int Days = 30;

    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.root_not_recently_used", "Root user not used in the last 30 days", Severity.High, "AwsAccount",
        "Day-to-day use of the root user bypasses least privilege and leaves no per-person accountability.",
        "Use individual IAM identities (or IAM Identity Center) for administration; keep root for the few tasks that need it.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Root(input, (item, row, at) =>
        {
            if (CredentialReport.BadDate(row, CredentialReport.UseDates) is { } bad)
            {
                return new CheckResult(CredentialReport.Arn(row, item), Target.Global, FindingStatus.Error, bad, [item.Hash]);
            }

            var uses = new[] { row.Str("password_last_used"), row.Str("access_key_1_last_used_date"), row.Str("access_key_2_last_used_date") }
                .Select(CheckSupport.Time).Where(t => t is not null).Select(t => t!.Value).ToList();
            var last = uses.Count == 0 ? (DateTimeOffset?)null : uses.Max();
            var recent = last is { } l && at - l < TimeSpan.FromDays(Days);
            return CredentialReport.Of(item, row, !recent, "root user not used in the last 30 days", $"root user was used at {last:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        });
}
