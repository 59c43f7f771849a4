using System.Text;
using System.Text.Json;
using EvidenceCollector.Canonical;

namespace EvidenceCollector.Core.Tests.Canonical;

/// <summary>RFC 8785 test vectors: the number table of Appendix B and the examples of section 3.2.</summary>
public sealed class JcsTests
{
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void FormatNumber_Rfc8785AppendixB_MatchesVector(ulong bits, string expected)
    {
        Assert.Equal(expected, Jcs.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Theory]
    [InlineData(0x7fffffffffffffffUL)]
    [InlineData(0x7ff0000000000000UL)]
    public void FormatNumber_NaNOrInfinity_Throws(ulong bits)
    {
        Assert.Throws<JsonException>(() => Jcs.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Fact]
    public void Canonicalize_Rfc8785Section322Example_MatchesPublishedOutput()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        Assert.Equal(expected, Encoding.UTF8.GetString(Jcs.Canonicalize(input)));
    }

    [Fact]
    public void Canonicalize_Rfc8785Section323Sorting_OrdersByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        var output = Encoding.UTF8.GetString(Jcs.Canonicalize(input));
        var keys = JsonDocument.Parse(output).RootElement.EnumerateObject().Select(p => p.Value.GetString()!).ToArray();
        Assert.Equal(
            ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"],
            keys);
    }

    [Fact]
    public void Canonicalize_DuplicateProperty_Throws()
    {
        Assert.Throws<JsonException>(() => Jcs.Canonicalize("{\"a\":1,\"a\":2}"));
    }

    [Fact]
    public void Canonicalize_JsonNodeAndText_GiveSameBytes()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse("{\"b\":[1,2.50,{\"z\":null,\"y\":\"\\u0007\"}],\"a\":true}");
        Assert.Equal(Jcs.Canonicalize("{\"a\":true,\"b\":[1,2.5,{\"y\":\"\\u0007\",\"z\":null}]}"), Jcs.Canonicalize(node));
        Assert.Equal("{\"a\":true,\"b\":[1,2.5,{\"y\":\"\\u0007\",\"z\":null}]}", Encoding.UTF8.GetString(Jcs.Canonicalize(node)));
    }

    [Fact]
    public void Sha256Hex_KnownInput_IsLowercaseHex()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Jcs.Sha256Hex("abc"u8));
    }
    [Theory]
    [InlineData(1)]
    [InlineData(1365)]
    [InlineData(1366)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(50_000)]
    public void Canonicalize_LongText_IsTheUtf8OfTheText(int length)
    {
        // Long text is encoded in chunks and written across pooled segments: surrogate pairs that straddle a
        // chunk or a segment boundary, and lone surrogates (U+FFFD, as Encoding.UTF8 does), must come out as
        // the one-shot encoding gives them.
        var text = new StringBuilder();
        var random = new Random(length);
        while (text.Length < length)
        {
            switch (random.Next(6))
            {
                case 0: text.Append("\U0001F600"); break;
                case 1: text.Append('\u00e9'); break;
                case 2: text.Append('\u20ac'); break;
                case 3: text.Append('\ud800'); break;
                default: text.Append((char)('a' + random.Next(26))); break;
            }
        }

        var value = text.ToString(0, length);
        var node = new System.Text.Json.Nodes.JsonObject { ["v"] = value, ["w"] = value + "\n\"" };
        var expected = new List<byte>();
        expected.AddRange("{\"v\":\""u8.ToArray());
        expected.AddRange(Encoding.UTF8.GetBytes(value));
        expected.AddRange("\",\"w\":\""u8.ToArray());
        expected.AddRange(Encoding.UTF8.GetBytes(value + "\\n\\\""));
        expected.AddRange("\"}"u8.ToArray());
        Assert.Equal(expected.ToArray(), Jcs.Canonicalize(node));
        Assert.Equal(expected.ToArray(), EvidenceCollector.Redaction.Redactor.CanonicalRedacted(node));
    }

    [Fact]
    public void Canonicalize_PayloadOfManySegments_JoinsThemInOrder()
    {
        var array = new System.Text.Json.Nodes.JsonArray();
        for (var i = 0; i < 20_000; i++)
        {
            array.Add(new System.Text.Json.Nodes.JsonObject { ["i"] = i, ["name"] = $"item-{i:D6}" });
        }

        var bytes = Jcs.Canonicalize(array);
        Assert.True(bytes.Length > 10 * 16 * 1024, "the payload spans many segments");
        using var parsed = JsonDocument.Parse(bytes);
        Assert.Equal(20_000, parsed.RootElement.GetArrayLength());
        Assert.Equal("item-012345", parsed.RootElement[12_345].GetProperty("name").GetString());
        Assert.Equal(bytes, Jcs.Canonicalize(parsed.RootElement));
    }
}
