using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EvidenceCollector.Canonical;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme: object members sorted by their UTF-16 code units, no
/// insignificant whitespace, strings with the minimal escapes, numbers in the ECMAScript
/// <c>Number.prototype.toString</c> form. Every hash the store computes is over these bytes.
/// </summary>
public static class Jcs
{
    public static byte[] Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        return Canonicalize(document.RootElement);
    }

    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 256 });
        return Canonicalize(document.RootElement);
    }

    public static byte[] Canonicalize(JsonElement element)
    {
        using var buffer = new SegmentedWriter();
        Write(buffer, element);
        return buffer.ToArray();
    }

    public static byte[] Canonicalize(JsonNode? node)
    {
        using var buffer = new SegmentedWriter();
        Write(buffer, node);
        return buffer.ToArray();
    }

    /// <summary>
    /// Lowercase hex SHA-256 of the canonical JSON of an object whose members are strings, nulls or lists of
    /// strings: the same bytes <see cref="Canonicalize(JsonNode)"/> gives for the equivalent <see cref="JsonObject"/>,
    /// without building one (findings are hashed this way, hundreds of thousands per run).
    /// </summary>
    public static string Sha256OfStringMembers(IEnumerable<(string Name, object? Value)> members)
    {
        using var buffer = new SegmentedWriter();
        WriteStringMembers(buffer, members);
        return buffer.Sha256Hex();
    }

    /// <summary>The canonical JSON bytes <see cref="Sha256OfStringMembers"/> hashes (same bytes, for writing them out).</summary>
    public static byte[] CanonicalStringMembers(IEnumerable<(string Name, object? Value)> members)
    {
        using var buffer = new SegmentedWriter();
        WriteStringMembers(buffer, members);
        return buffer.ToArray();
    }

    private static void WriteStringMembers(SegmentedWriter buffer, IEnumerable<(string Name, object? Value)> members) =>
        WriteObject(buffer, members, static (output, value) =>
        {
            switch (value)
            {
                case null:
                    WriteRaw(output, "null");
                    break;
                case string text:
                    WriteString(output, text);
                    break;
                case IEnumerable<string> texts:
                    WriteArray(output, texts, static (o, t) =>
                    {
                        if (t is null)
                        {
                            WriteRaw(o, "null");
                        }
                        else
                        {
                            WriteString(o, t);
                        }
                    });
                    break;
                default:
                    throw new ArgumentException($"a member value must be a string, null or a list of strings, not {value.GetType().Name}", nameof(members));
            }
        });

    /// <summary>Canonical JSON of any serialisable value (its System.Text.Json form, then canonicalised).</summary>
    public static byte[] CanonicalizeObject<T>(T value, JsonSerializerOptions options) =>
        Canonicalize(JsonSerializer.SerializeToElement(value, options));

    /// <summary>Lowercase hex SHA-256.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void Write(IBufferWriter<byte> output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(output, element.EnumerateObject().Select(p => (p.Name, p.Value)), Write);
                break;
            case JsonValueKind.Array:
                WriteArray(output, element.EnumerateArray(), Write);
                break;
            case JsonValueKind.String:
                WriteString(output, element.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteRaw(output, FormatNumber(element.GetDouble()));
                break;
            default:
                WriteLiteral(output, element.ValueKind);
                break;
        }
    }

    private static void Write(IBufferWriter<byte> output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                WriteRaw(output, "null");
                break;
            case JsonObject obj:
                WriteObject(output, obj.Select(p => (p.Key, p.Value)), Write);
                break;
            case JsonArray array:
                WriteArray(output, array, Write);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(output, value.GetValue<string>());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                WriteRaw(output, FormatNumber(ToDouble(value)));
                break;
            case JsonValue value:
                WriteLiteral(output, value.GetValueKind());
                break;
        }
    }

    /// <summary>Members sorted by the UTF-16 code units of their names; a repeated name is an error (I-JSON).</summary>
    private static void WriteObject<T>(IBufferWriter<byte> output, IEnumerable<(string Name, T Value)> members, Action<IBufferWriter<byte>, T> write)
    {
        var sorted = members.ToList();
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        WriteRaw(output, "{");
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i > 0)
            {
                if (sorted[i].Name == sorted[i - 1].Name)
                {
                    throw new JsonException($"duplicate property name '{sorted[i].Name}'");
                }

                WriteRaw(output, ",");
            }

            WriteString(output, sorted[i].Name);
            WriteRaw(output, ":");
            write(output, sorted[i].Value);
        }

        WriteRaw(output, "}");
    }

    private static void WriteArray<T>(IBufferWriter<byte> output, IEnumerable<T> items, Action<IBufferWriter<byte>, T> write)
    {
        WriteRaw(output, "[");
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                WriteRaw(output, ",");
            }

            first = false;
            write(output, item);
        }

        WriteRaw(output, "]");
    }

    internal static void WriteLiteral(IBufferWriter<byte> output, JsonValueKind kind) => WriteRaw(output, kind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => throw new JsonException($"unexpected JSON value kind {kind}"),
    });

    internal static double ToDouble(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>ECMAScript Number.prototype.toString (ES2019 7.1.12.1) over the shortest round-trip digits.</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new JsonException("NaN and Infinity are not valid JSON numbers");
        }

        if (value == 0)
        {
            return "0";
        }

        if (value < 0)
        {
            return "-" + FormatNumber(-value);
        }

        // "R" gives the shortest digits that round-trip, as mantissa[E±exp].
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var ePos = r.IndexOfAny(['E', 'e']);
        var mantissa = ePos < 0 ? r : r[..ePos];
        var exponent = ePos < 0 ? 0 : int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var integerLength = dot < 0 ? mantissa.Length : dot;
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var n = integerLength + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        n -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        var k = digits.Length;
        var sb = new StringBuilder(32);
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var e = n - 1;
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    internal static void WriteString(IBufferWriter<byte> output, string value)
    {
        // Fast path: nothing to escape, so the UTF-8 of the text goes out as it is.
        if (!NeedsEscaping(value))
        {
            WriteRaw(output, "\"");
            WriteUtf8(output, value);
            WriteRaw(output, "\"");
            return;
        }

        var sb = new StringBuilder(value.Length + 8);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        WriteRaw(output, sb.ToString());
    }

    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c == '"' || c == '\\')
            {
                return true;
            }
        }

        return false;
    }

    internal static void WriteRaw(IBufferWriter<byte> output, string text) => WriteUtf8(output, text);

    /// <summary>Longer text is encoded in chunks, so no span of three times its length is ever asked for.</summary>
    private const int Utf8Chunk = 4096;

    /// <summary>
    /// The UTF-8 of <paramref name="text"/>, as <see cref="Encoding.UTF8"/> gives it (a lone surrogate becomes
    /// U+FFFD), in chunks that never split a surrogate pair.
    /// </summary>
    private static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.Length <= Utf8Chunk / 3)
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            output.Advance(Encoding.UTF8.GetBytes(text, span));
            return;
        }

        while (true)
        {
            var status = System.Text.Unicode.Utf8.FromUtf16(text, output.GetSpan(Utf8Chunk), out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            output.Advance(written);
            text = text[read..];
            if (status == OperationStatus.Done)
            {
                return;
            }

            if (status != OperationStatus.DestinationTooSmall)
            {
                throw new InvalidOperationException($"UTF-8 encoding stopped: {status}");
            }
        }
    }
}
