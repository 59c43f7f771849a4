using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class CredentialsUnused45DaysCheck : ICheck
{
    public const int Days = 45;

    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.credentials_unused_45_days", "Credentials unused for 45 days are disabled", Severity.Medium, "AwsIamUser",
        "Unused passwords and keys are access nobody needs: removing them shrinks the attack surface (access review).",
        "Disable the console password or deactivate access keys not used for 45 days.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Users(input, (item, row, at) =>
        {
            if (CredentialReport.BadDate(row, CredentialReport.UseDates) is { } bad)
            {
                return new CheckResult(CredentialReport.Arn(row, item), Target.Global, FindingStatus.Error, bad, [item.Hash]);
            }

            var limit = TimeSpan.FromDays(Days);
            var created = CheckSupport.Time(row.Str("user_creation_time"));
            bool Unused(string lastUsedField, string? since) =>
                CheckSupport.Time(row.Str(lastUsedField)) is { } used ? at - used > limit : (CheckSupport.Time(since) ?? created) is { } start && at - start > limit;
            var unused = new List<string>();
            if (row.Bool("password_enabled") == true && Unused("password_last_used", row.Str("password_last_changed")))
            {
                unused.Add("console password");
            }

            foreach (var k in new[] { 1, 2 })
            {
                if (CredentialReport.Active(row, k) && Unused($"access_key_{k}_last_used_date", row.Str($"access_key_{k}_last_rotated")))
                {
                    unused.Add($"access key {k}");
                }
            }

            return CredentialReport.Of(item, row, unused.Count == 0, "no credential unused for 45 days", $"unused for more than 45 days: {string.Join(", ", unused)}");
        });
}
