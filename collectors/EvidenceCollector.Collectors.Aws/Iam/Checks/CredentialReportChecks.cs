using System.Runtime.CompilerServices;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>
/// Reads the credential report's rows from its CSV text, one at a time. Time-based rules compare with the
/// report's own <c>GeneratedTime</c> (when IAM built it: AWS serves a report up to four hours old), or with
/// <c>collectedAt</c> (the answer time the collector recorded) when the report names none; never with the clock.
/// </summary>
internal static class CredentialReport
{
    public const string RootUser = "<root_account>";

    public static DateTimeOffset? CollectedAt(EvidenceItem item) => CheckSupport.Time(item.Payload.Str("collectedAt"));

    public static string Arn(CredentialReportRow row, EvidenceItem item) => row.Str("arn") ?? item.ResourceId;

    /// <summary>Judges the root row, or errs when the report has none.</summary>
    public static IEnumerable<CheckResult> Root(CheckInput input, Func<EvidenceItem, CredentialReportRow, DateTimeOffset, CheckResult> judge)
    {
        foreach (var item in input.OfKind(AwsKinds.IamCredentialReport))
        {
            if (Unreadable(item, out var at, out var csv) is { } error)
            {
                yield return error;
                continue;
            }

            var root = CredentialReportCsv.Read(csv).FirstOrDefault(r => r.Str("user") == RootUser);
            if (root is null)
            {
                yield return CheckResult.Error(item, "the credential report has no <root_account> row");
            }
            else if (Problem(root, isRoot: true) is { } problem)
            {
                yield return new CheckResult(Arn(root, item), Model.Target.Global, FindingStatus.Error, problem, [item.Hash]);
            }
            else
            {
                yield return judge(item, root, at);
            }
        }
    }

    /// <summary>Judges each IAM user row (root excluded).</summary>
    public static IEnumerable<CheckResult> Users(CheckInput input, Func<EvidenceItem, CredentialReportRow, DateTimeOffset, CheckResult> judge)
    {
        foreach (var item in input.OfKind(AwsKinds.IamCredentialReport))
        {
            if (Unreadable(item, out var at, out var csv) is { } error)
            {
                yield return error;
                continue;
            }

            foreach (var row in CredentialReportCsv.Read(csv).Where(r => r.Str("user") != RootUser))
            {
                yield return Problem(row, isRoot: false) is { } problem
                    ? new CheckResult(Arn(row, item), Model.Target.Global, FindingStatus.Error, problem, [item.Hash])
                    : judge(item, row, at);
            }
        }
    }

    /// <summary>An error for evidence the rows cannot be read from (no time, no CSV, text that is not CSV, a column named twice); null otherwise.</summary>
    private static CheckResult? Unreadable(EvidenceItem item, out DateTimeOffset at, out string csv)
    {
        var report = Reports.GetValue(item, Load);
        (at, csv) = (report.At, report.Csv);
        return report.Error;
    }

    // The six checks of the report judge the same loaded item: its text (a few MiB for thousands of users) is
    // taken out of the payload and validated once, not once per check.
    private static readonly ConditionalWeakTable<EvidenceItem, LoadedReport> Reports = new();

    private sealed record LoadedReport(CheckResult? Error, DateTimeOffset At, string Csv);

    private static LoadedReport Load(EvidenceItem item)
    {
        if (CollectedAt(item) is not { } collectedAt)
        {
            return new(CheckResult.Error(item, "the credential report evidence has no collectedAt time"), default, string.Empty);
        }

        var at = collectedAt;
        if (item.Payload.Prop("GeneratedTime") is { ValueKind: not System.Text.Json.JsonValueKind.Null } generated)
        {
            if (generated.ValueKind != System.Text.Json.JsonValueKind.String || CheckSupport.Time(generated.GetString()) is not { } g)
            {
                return new(CheckResult.Error(item, $"the credential report's GeneratedTime is not a time: {generated.GetRawText()}"), default, string.Empty);
            }

            at = g;
        }

        if (item.Payload.Str("Csv") is not { } text)
        {
            return new(CheckResult.Error(item, "the credential report evidence has no Csv text"), default, string.Empty);
        }

        return CredentialReportCsv.Problem(text) is { } problem
            ? new(CheckResult.Error(item, "the credential report cannot be read: " + problem), default, string.Empty)
            : new(null, at, text);
    }

    /// <summary>The credential report's words for "no date": the cell is not a time but says why.</summary>
    private static readonly string[] NoDate = ["N/A", "no_information", "not_supported"];

    /// <summary>
    /// An error message when one of <paramref name="columns"/> holds something that is neither a time nor one of
    /// the report's "no date" words (a date that does not parse is unknown, never "never used"); null otherwise.
    /// </summary>
    public static string? BadDate(CredentialReportRow row, params string[] columns)
    {
        foreach (var column in columns)
        {
            var text = row.Str(column);
            if (text is { Length: > 0 } && !NoDate.Contains(text, StringComparer.Ordinal) && CheckSupport.Time(text) is null)
            {
                return $"the credential report column {column} is '{text}', not a time";
            }
        }

        return null;
    }

    public static readonly string[] UseDates =
        ["password_last_used", "password_last_changed", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_2_last_rotated", "access_key_2_last_used_date", "user_creation_time"];

    public static CheckResult Of(EvidenceItem item, CredentialReportRow row, bool passed, string pass, string fail) =>
        new(Arn(row, item), Model.Target.Global, passed ? FindingStatus.Pass : FindingStatus.Fail, passed ? pass : fail, [item.Hash]);

    public static bool Active(CredentialReportRow row, int key) => row.Bool($"access_key_{key}_active") == true;

    /// <summary>
    /// A row the checks cannot trust: one whose cell count is off the header's, or a yes/no column holding
    /// anything but true/false. Such a row is an error, never read as "no".
    /// </summary>
    public static string? Problem(CredentialReportRow row, bool isRoot)
    {
        if (row.Malformed is { } malformed)
        {
            return $"the credential report row cannot be read: {malformed}";
        }

        var columns = isRoot ? new[] { "mfa_active", "access_key_1_active", "access_key_2_active" } : ["password_enabled", "mfa_active", "access_key_1_active", "access_key_2_active"];
        foreach (var column in columns)
        {
            if (row.Str(column) is not ("true" or "false"))
            {
                return $"the credential report column {column} is '{row.Str(column) ?? "(missing)"}', not true/false";
            }
        }

        return null;
    }
}

/// <summary>
/// Whether the root user has any credential to protect: with centralised root access (AWS Organizations) a
/// member account's root has no password, access key or signing certificate, and MFA on it is moot.
/// </summary>
internal static class RootCredentials
{
    /// <summary>Why root MFA is not applicable (the account summary shows no root credential); null when it applies or the summary does not say.</summary>
    public static string? None(EvidenceItem? summary)
    {
        if (summary?.Payload.Prop("SummaryMap") is not { ValueKind: System.Text.Json.JsonValueKind.Object } map || map.Long("AccountPasswordPresent") is not { } password)
        {
            return null;
        }

        return password == 0 && map.Long("AccountAccessKeysPresent") == 0 && map.Long("AccountSigningCertificatesPresent") is null or 0
            ? "the root user has no password, access key or signing certificate (centralised root access): no credential for MFA to protect"
            : null;
    }
}

public sealed class RootMfaEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.root_mfa_enabled", "Root user has MFA enabled", Severity.Critical, "AwsAccount",
        "The root user has unrestricted access to the account; a password alone is one phishing away from takeover.",
        "Enable a hardware or virtual MFA device for the root user (IAM console → Security credentials).",
        [AwsKinds.IamCredentialReport, AwsKinds.IamAccountSummary]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var summary = input.OfKind(AwsKinds.IamAccountSummary).FirstOrDefault();
        return CredentialReport.Root(input, (item, row, _) =>
            RootCredentials.None(summary) is { } why
                ? new CheckResult(CredentialReport.Arn(row, item), Target.Global, FindingStatus.NotApplicable, why, [item.Hash, summary!.Hash])
                : CredentialReport.Of(item, row, row.Bool("mfa_active") == true, "root user has MFA", "root user has no MFA device"));
    }
}

public sealed class RootNoAccessKeysCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.root_no_access_keys", "Root user has no active access keys", Severity.Critical, "AwsAccount",
        "Root access keys give unrestricted programmatic access that cannot be limited by policy.",
        "Delete the root user's access keys; use IAM roles for automation.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Root(input, (item, row, _) => CredentialReport.Of(item, row,
            !CredentialReport.Active(row, 1) && !CredentialReport.Active(row, 2), "root user has no active access keys", "root user has active access keys"));
}

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

public sealed class UserConsoleMfaCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.iam.user_console_mfa_enabled", "IAM users with a console password have MFA", Severity.High, "AwsIamUser",
        "A console password without MFA is a single factor that phishing or reuse can defeat.",
        "Assign an MFA device to every IAM user with console access, or remove the console password.",
        [AwsKinds.IamCredentialReport]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        CredentialReport.Users(input, (item, row, _) => row.Bool("password_enabled") != true
            ? CredentialReport.Of(item, row, true, "no console password", string.Empty)
            : CredentialReport.Of(item, row, row.Bool("mfa_active") == true, "console user has MFA", "console password without MFA"));
}

public sealed class AccessKeysRotatedCheck : ICheck
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

public sealed class CredentialsUnusedCheck : ICheck
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
