using System.Text;

namespace EvidenceCollector.Formats;

/// <summary>A record that does not parse as RFC 4180 CSV; <see cref="Line"/> is where the record began (1-based).</summary>
public sealed class CsvFormatException(int line, string reason) : FormatException($"line {line}: {reason}")
{
    public int Line { get; } = line;

    public string Reason { get; } = reason;
}

/// <summary>
/// A minimal RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. Each record comes
/// with the 1-based line it starts on; fields are trimmed; blank lines are skipped.
/// </summary>
public static class Csv
{
    public static IEnumerable<(int Line, string[] Fields)> Read(TextReader reader)
    {
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var i = 0;
            while (true)
            {
                if (i >= text.Length)
                {
                    if (quoted)
                    {
                        var next = reader.ReadLine() ?? throw new CsvFormatException(start, "unterminated quoted field");
                        line++;
                        field.Append('\n');
                        text = next;
                        i = 0;
                        continue;
                    }

                    fields.Add(field.ToString());
                    break;
                }

                var c = text[i++];
                if (quoted)
                {
                    if (c == '"' && i < text.Length && text[i] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"' && field.Length == 0)
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            if (fields.Count == 1 && fields[0].Trim().Length == 0)
            {
                continue;
            }

            yield return (start, fields.Select(f => f.Trim()).ToArray());
        }
    }
}
