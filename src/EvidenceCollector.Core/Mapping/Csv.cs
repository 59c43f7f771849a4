using System.Text;

namespace EvidenceCollector.Mapping;

/// <summary>Mapping files read as RFC 4180 CSV (<see cref="Formats.Csv"/>); a malformed record is a <c>file:line</c> error.</summary>
internal static class Csv
{
    public static IEnumerable<(int Line, string[] Fields)> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        using var records = Formats.Csv.Read(reader).GetEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = records.MoveNext();
            }
            catch (Formats.CsvFormatException e)
            {
                throw new MappingFileException(path, e.Line, e.Reason);
            }

            if (!more)
            {
                yield break;
            }

            yield return records.Current;
        }
    }
}

/// <summary>One problem in one mapping file, reported as <c>file:line: message</c>.</summary>
public sealed class MappingFileException(string path, int line, string message) : Exception($"{path}:{line}: {message}")
{
    public string Path { get; } = path;

    public int Line { get; } = line;
}
