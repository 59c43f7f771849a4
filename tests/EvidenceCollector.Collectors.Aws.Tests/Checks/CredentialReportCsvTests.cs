using System.Text.Json;
using EvidenceCollector.Collectors.Aws.Iam;
using EvidenceCollector.Collectors.Aws.Iam.Checks;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Formats;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Checks;

public sealed class CredentialReportCsvTests
{
    private const string At = "2026-11-30T00:00:00.000Z";

    [Fact]
    public void Read_Rows_KeyedByHeaderWithQuotedCellsAndMisalignedRowsFlagged()
    {
        var csv = "user,arn,password_enabled\n<root_account>,arn:aws:iam::111122223333:root,not_supported\n\"o'neil, pat\",\"arn:aws:iam::111122223333:user/pat\",true\nshort,arn:aws:iam::111122223333:user/short\n";

        var rows = CredentialReportCsv.Read(csv).ToList();

        Assert.Equal(3, rows.Count);
        Assert.Equal("not_supported", rows[0].Str("password_enabled"));
        Assert.Null(rows[0].Bool("password_enabled"));
        Assert.Equal("o'neil, pat", rows[1].Str("user"));
        Assert.True(rows[1].Bool("password_enabled"));
        Assert.Null(rows[1].Malformed);
        Assert.Null(rows[1].Str("no_such_column"));
        Assert.Null(rows[2].Str("password_enabled"));
        Assert.Equal("expected 3 cells, found 2", rows[2].Malformed);
    }

    [Fact]
    public void Problem_NotCsvOrAColumnNamedTwice_NamesTheLine()
    {
        Assert.Null(CredentialReportCsv.Problem("user,arn\nu,a\n"));
        Assert.Equal("line 2: unterminated quoted field", CredentialReportCsv.Problem("user,arn\n\"never closed,x\n"));
        Assert.Equal("line 1: the column 'arn' is named more than once", CredentialReportCsv.Problem("user,arn,arn\nu,a,b\n"));
        Assert.Throws<CsvFormatException>(() => CredentialReportCsv.Read("user,arn,arn\nu,a,b\n").ToList());
    }

    [Fact]
    public void Redacted_HostileCells_StayInTheirCellsThroughTheRunnersRedaction()
    {
        // IAM allows '=' in user names and any printable character in paths. Over the whole text, the redactor's
        // connection-string pattern took the rest of Secret=ops's row; cell by cell it stays in the cell.
        const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        var aws = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\n" +
            "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,N/A,true,false,false\n" +
            "Secret=ops,arn:aws:iam::123456789012:user/Secret=ops,2020-01-01T00:00:00+00:00,true,N/A,false,false,false\n" +
            "Secret=,arn:aws:iam::123456789012:user/Secret=,2020-01-01T00:00:00+00:00,true,N/A,true,false,false\n" +
            "pat,\"arn:aws:iam::123456789012:user/a,\"\"b\"\"/pat\",2020-01-01T00:00:00+00:00,true,N/A,true,false,false\n" +
            $"key,arn:aws:iam::123456789012:user/key,2020-01-01T00:00:00+00:00,true,{SecretKey},true,false,false\n";

        var csv = CredentialReportCsv.Redacted(new StringReader(aws));
        var stored = System.Text.Encoding.UTF8.GetString(EvidenceCollector.Redaction.Redactor.CanonicalRedacted(new System.Text.Json.Nodes.JsonObject { ["collectedAt"] = At, ["Csv"] = csv }));
        var item = Evidence.Item(AwsKinds.IamCredentialReport, stored, Target.Global);

        Assert.Equal(csv, item.Payload.GetProperty("Csv").GetString()); // the runner's pass changed nothing
        Assert.DoesNotContain("Secret=ops", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, stored, StringComparison.Ordinal);
        var results = new UserConsoleMfaEnabledCheck().Evaluate(Evidence.Input(item)).ToList();
        Assert.Equal(
            [("arn:aws:iam::123456789012:user/Secret=[REDACTED]", FindingStatus.Fail), ("arn:aws:iam::123456789012:user/Secret=", FindingStatus.Pass), ("arn:aws:iam::123456789012:user/a,\"b\"/pat", FindingStatus.Pass), ("arn:aws:iam::123456789012:user/key", FindingStatus.Pass)],
            results.Select(r => (r.ResourceId, r.Status)));
        Assert.Equal(FindingStatus.Pass, Assert.Single(new RootMfaEnabledCheck().Evaluate(Evidence.Input(item))).Status);
    }

    [Fact]
    public void UserChecks_ReportOfThousandsOfUsers_JudgeEveryRowFromTheText()
    {
        var csv = new System.Text.StringBuilder("user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n");
        csv.Append("<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,true,false,false\n");
        for (var i = 0; i < 3000; i++)
        {
            csv.Append($"user-{i},arn:aws:iam::123456789012:user/user-{i},2020-01-01T00:00:00+00:00,true,{(i % 3 == 0 ? "false" : "true")},false,false\n");
        }

        var input = Evidence.Input(Report(csv.ToString()));

        var results = new UserConsoleMfaEnabledCheck().Evaluate(input).ToList();

        Assert.Equal(3000, results.Count);
        Assert.Equal(1000, results.Count(r => r.Status == FindingStatus.Fail));
        Assert.Equal("arn:aws:iam::123456789012:user/user-3", results.Where(r => r.Status == FindingStatus.Fail).ElementAt(1).ResourceId);
        Assert.Equal(FindingStatus.Pass, Assert.Single(new RootMfaEnabledCheck().Evaluate(input)).Status);
    }

    [Theory]
    [InlineData("{\"collectedAt\":\"" + At + "\"}", "the credential report evidence has no Csv text")]
    [InlineData("{\"Csv\":\"user,arn\\n\"}", "the credential report evidence has no collectedAt time")]
    [InlineData("{\"collectedAt\":\"" + At + "\",\"Csv\":\"user,arn\\n\\\"never closed\\n\"}", "the credential report cannot be read: line 2: unterminated quoted field")]
    [InlineData("{\"collectedAt\":\"" + At + "\",\"Csv\":\"user,arn,mfa_active,mfa_active\\n\"}", "the credential report cannot be read: line 1: the column 'mfa_active' is named more than once")]
    [InlineData("{\"collectedAt\":\"" + At + "\",\"Csv\":\"user,arn\\nu,arn:aws:iam::123456789012:user/u\\n\"}", "the credential report has no <root_account> row")]
    public void RootCheck_UnreadableReport_IsAnErrorThatSaysWhy(string payload, string reason)
    {
        var result = Assert.Single(new RootMfaEnabledCheck().Evaluate(Evidence.Input(Evidence.Item(AwsKinds.IamCredentialReport, payload, Target.Global))));

        Assert.Equal(FindingStatus.Error, result.Status);
        Assert.Equal(reason, result.Message);
    }

    [Fact]
    public void UserCheck_RowOffTheHeader_IsAnErrorForThatUserOnly()
    {
        var csv = "user,arn,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n" +
            "a,arn:aws:iam::123456789012:user/a,true,true,false,false,extra\n" +
            "b,arn:aws:iam::123456789012:user/b,true,false,false,false\n";

        var results = new UserConsoleMfaEnabledCheck().Evaluate(Evidence.Input(Report(csv))).ToList();

        Assert.Equal([FindingStatus.Error, FindingStatus.Fail], results.Select(r => r.Status));
        Assert.Equal("arn:aws:iam::123456789012:user/a", results[0].ResourceId);
        Assert.Equal("the credential report row cannot be read: expected 6 cells, found 7", results[0].Message);
    }

    private static EvidenceCollector.Checks.EvidenceItem Report(string csv) =>
        Evidence.Item(AwsKinds.IamCredentialReport, JsonSerializer.Serialize(new { collectedAt = At, Csv = csv }), Target.Global);
}
