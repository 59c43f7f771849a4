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
