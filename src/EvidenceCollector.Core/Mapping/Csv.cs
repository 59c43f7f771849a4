using System.Text;

namespace EvidenceCollector.Mapping;

/// <summary>A minimal RFC 4180 reader that keeps the 1-based line of each record (the header is line 1).</summary>
internal static class Csv
{
    public static IEnumerable<(int Line, string[] Fields)> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
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
                        var next = reader.ReadLine() ?? throw new MappingFileException(path, start, "unterminated quoted field");
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

/// <summary>One problem in one mapping file, reported as <c>file:line: message</c>.</summary>
public sealed class MappingFileException(string path, int line, string message) : Exception($"{path}:{line}: {message}")
{
    public string Path { get; } = path;

    public int Line { get; } = line;
}
