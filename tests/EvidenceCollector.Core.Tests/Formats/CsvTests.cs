using EvidenceCollector.Formats;

namespace EvidenceCollector.Core.Tests.Formats;

public sealed class CsvTests
{
    [Fact]
    public void Read_QuotedCommasQuotesAndLineBreaks_OneRecordPerRowWithItsStartLine()
    {
        var text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\", z \n\n\"two\nlines\",2,3\n";

        var records = Csv.Read(new StringReader(text)).ToList();

        Assert.Equal(3, records.Count);
        Assert.Equal([1, 2, 4], records.Select(r => r.Line));
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["x, y", "say \"hi\"", "z"], records[1].Fields);
        Assert.Equal(["two\nlines", "2", "3"], records[2].Fields);
    }

    [Fact]
    public void Read_UnterminatedQuote_ThrowsWithTheLineTheRecordStarts()
    {
        var e = Assert.Throws<CsvFormatException>(() => Csv.Read(new StringReader("a,b\n1,\"open\nstill open\n")).ToList());

        Assert.Equal(2, e.Line);
        Assert.Equal("unterminated quoted field", e.Reason);
    }
}
