using EvidenceCollector.Collectors.Aws.Iam;
using EvidenceCollector.Formats;

namespace EvidenceCollector.Collectors.Aws.Tests.Checks;

public sealed class CredentialReportCsvTests
{
    [Fact]
    public void Parse_Rows_KeyedByHeaderWithQuotedCellsAndMisalignedRowsFlagged()
    {
        var csv = "user,arn,password_enabled\n<root_account>,arn:aws:iam::111122223333:root,not_supported\n\"o'neil, pat\",\"arn:aws:iam::111122223333:user/pat\",true\nshort,arn:aws:iam::111122223333:user/short\n";

        var rows = CredentialReportCsv.Parse(csv);

        Assert.Equal(3, rows.Count);
        Assert.Equal("not_supported", rows[0]!["password_enabled"]!.GetValue<string>());
        Assert.Equal("o'neil, pat", rows[1]!["user"]!.GetValue<string>());
        Assert.Equal("true", rows[1]!["password_enabled"]!.GetValue<string>());
        Assert.Null(rows[1]!["malformed"]);
        Assert.Null(rows[2]!["password_enabled"]);
        Assert.Equal("expected 3 cells, found 2", rows[2]!["malformed"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_NotCsv_Throws()
    {
        Assert.Throws<CsvFormatException>(() => CredentialReportCsv.Parse("user,arn\n\"never closed,x\n"));
    }
}
