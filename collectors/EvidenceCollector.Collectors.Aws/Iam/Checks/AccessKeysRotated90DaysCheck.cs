using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

public sealed class AccessKeysRotated90DaysCheck : ICheck
{
    public const int Days = 90;

    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.access_keys_rotated_90_days", "Active access keys are rotated within 90 days", Severity.Medium, "AwsIamUser",
        "Long-lived keys accumulate exposure (laptops, logs, repositories); rotation bounds the damage of a leak.",
        "Create a new access key, move the workload to it, deactivate and delete the old one; prefer roles.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Users(input, (item, row, at) =>
        {
            if (CredentialReport.BadDate(row, CredentialReport.UseDates) is { } bad)
            {
                return new CheckResult(CredentialReport.Arn(row, item), Target.Global, FindingStatus.Error, bad, [item.Hash]);
            }

            var stale = new[] { 1, 2 }
                .Where(k => CredentialReport.Active(row, k))
                .Where(k => CheckSupport.Time(row.Str($"access_key_{k}_last_rotated")) is not { } rotated || at - rotated > TimeSpan.FromDays(Days))
                .ToList();
            return CredentialReport.Of(item, row, stale.Count == 0, "active access keys are younger than 90 days",
                $"access key {string.Join(" and ", stale)} not rotated for more than 90 days");
        });
}
