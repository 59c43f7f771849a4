using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using System.Text.RegularExpressions;

namespace EvidenceCollector.Redaction;

/// <summary>
/// Removes secrets from API answers before they are hashed or stored: by key name (including
/// <c>{"Key": "db_password", "Value": "..."}</c> tag pairs) and by value pattern wherever a value sits
/// (AWS secret keys, session tokens, private keys, connection-string passwords and account keys,
/// signed URLs, credentials in URLs). Access key ids are identifiers and stay. The replacement text is
/// fixed, so the same answer always hashes the same.
/// </summary>
public static partial class Redactor
{
    public const string Mark = "[REDACTED]";

    private static readonly string[] SensitiveExact =
    [
        "password", "passwd", "pwd", "secret", "secretkey", "secretaccesskey", "awssecretaccesskey", "clientsecret",
        "sessiontoken", "securitytoken", "awssessiontoken", "accesstoken", "refreshtoken", "idtoken", "token", "authtoken",
        "privatekey", "privatekeypem", "connectionstring", "accountkey", "primarykey", "secondarykey", "sastoken",
        "sharedaccesskey", "sharedaccesssignature", "apikey", "masteruserpassword", "adminpassword", "credentials",
        "credential", "passphrase", "signature", "xamzsecuritytoken", "xamzsignature",
    ];

    private static readonly string[] SensitiveSuffixes =
    [
        "password", "passwd", "secret", "secretkey", "secretaccesskey", "sessiontoken", "securitytoken", "accesstoken",
        "refreshtoken", "authtoken", "privatekey", "connectionstring", "accountkey", "apikey", "sastoken", "passphrase",
    ];

    /// <summary>True when a property / tag named <paramref name="name"/> holds a secret by its name alone.</summary>
    public static bool IsSensitiveName(string name)
    {
        var normalized = Normalize(name);
        if (normalized.Length == 0)
        {
            return false;
        }

        return SensitiveExact.Contains(normalized) || SensitiveSuffixes.Any(s => normalized.EndsWith(s, StringComparison.Ordinal));
    }

    /// <summary>Redacts in place and returns the same node.</summary>
    public static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                RedactObject(obj);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                    {
                        var redacted = RedactValue(v.GetValue<string>());
                        if (redacted is not null)
                        {
                            array[i] = redacted;
                        }
                    }
                    else
                    {
                        Redact(array[i]);
                    }
                }

                break;
        }

        return node;
    }

    /// <summary>
    /// The RFC 8785 canonical bytes of <paramref name="node"/> as <see cref="Redact"/> would leave it, written in
    /// one pass without copying or changing the node: <c>Jcs.Canonicalize(Redact(node.DeepClone()))</c>, byte
    /// for byte, at the cost of the output only (a large answer is never held twice).
    /// </summary>
    public static byte[] CanonicalRedacted(JsonNode? node)
    {
        using var buffer = new SegmentedWriter();
        WriteRedacted(buffer, node);
        return buffer.ToArray();
    }

    private static void WriteRedacted(IBufferWriter<byte> output, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                WriteRedactedObject(output, obj);
                break;
            case JsonArray array:
                Jcs.WriteRaw(output, "[");
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        Jcs.WriteRaw(output, ",");
                    }

                    if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                    {
                        var text = v.GetValue<string>();
                        Jcs.WriteString(output, RedactValue(text) ?? text);
                    }
                    else
                    {
                        WriteRedacted(output, array[i]);
                    }
                }

                Jcs.WriteRaw(output, "]");
                break;
            default:
                WriteScalar(output, node);
                break;
        }
    }

    private static void WriteRedactedObject(IBufferWriter<byte> output, JsonObject obj)
    {
        // The same decisions as RedactObject, taken while writing.
        var tagKey = (obj["Key"] ?? obj["key"] ?? obj["Name"] ?? obj["name"]) as JsonValue;
        string? tagName = tagKey is not null && tagKey.GetValueKind() == JsonValueKind.String ? tagKey.GetValue<string>() : null;
        var members = new List<KeyValuePair<string, JsonNode?>>(obj.Count);
        members.AddRange(obj);
        members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        Jcs.WriteRaw(output, "{");
        for (var i = 0; i < members.Count; i++)
        {
            var (name, child) = (members[i].Key, members[i].Value);
            if (i > 0)
            {
                if (name == members[i - 1].Key)
                {
                    throw new JsonException($"duplicate property name '{name}'");
                }

                Jcs.WriteRaw(output, ",");
            }

            Jcs.WriteString(output, name);
            Jcs.WriteRaw(output, ":");
            var isTagValue = tagName is not null && (name is "Value" or "value") && IsSensitiveName(tagName);
            if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                var text = value.GetValue<string>();
                Jcs.WriteString(output, isTagValue || IsSensitiveName(name) ? Mark : RedactValue(text) ?? text);
            }
            else if (child is JsonObject or JsonArray)
            {
                if (isTagValue)
                {
                    Jcs.WriteString(output, Mark);
                }
                else
                {
                    WriteRedacted(output, child);
                }
            }
            else
            {
                WriteScalar(output, child);
            }
        }

        Jcs.WriteRaw(output, "}");
    }

    private static void WriteScalar(IBufferWriter<byte> output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                Jcs.WriteRaw(output, "null");
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                // Only a bare string at the top level gets here; Redact leaves it as it is.
                Jcs.WriteString(output, value.GetValue<string>());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                Jcs.WriteRaw(output, Jcs.FormatNumber(Jcs.ToDouble(value)));
                break;
            case JsonValue value:
                Jcs.WriteLiteral(output, value.GetValueKind());
                break;
        }
    }

    /// <summary>Redacts secrets found by pattern in a text; null when nothing was found.</summary>
    public static string? RedactValue(string value)
    {
        if (value.Length < 8)
        {
            return null;
        }

        // Each pattern runs only when the text has the character it cannot match without: most values
        // (ids, ARNs, dates, names) skip every regular expression.
        var result = value;
        var hasEquals = value.Contains('=', StringComparison.Ordinal);
        if (value.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            result = PrivateKeyBlock().Replace(result, Mark);
        }

        if (hasEquals)
        {
            result = ConnectionStringSecret().Replace(result, m => m.Groups["k"].Value + "=" + Mark);
            if (result.Contains('?', StringComparison.Ordinal) || result.Contains('&', StringComparison.Ordinal))
            {
                result = SignedUrlParameter().Replace(result, m => m.Groups["k"].Value + "=" + Mark);
            }
        }

        if (result.Contains("://", StringComparison.Ordinal) && result.Contains('@', StringComparison.Ordinal))
        {
            result = UrlCredentials().Replace(result, m => m.Groups["s"].Value + m.Groups["u"].Value + ":" + Mark + "@");
        }

        if (result.Length >= 40)
        {
            if (result.Length >= 100)
            {
                result = SessionToken().Replace(result, Mark);
            }

            result = AwsSecretKey().Replace(result, m => LooksLikeSecretKey(m.Value) ? Mark : m.Value);
        }

        return ReferenceEquals(result, value) || result == value ? null : result;
    }

    private static void RedactObject(JsonObject obj)
    {
        // A tag pair: {"Key": "db_password", "Value": "..."} (AWS) or {"name": ..., "value": ...}.
        var tagKey = (obj["Key"] ?? obj["key"] ?? obj["Name"] ?? obj["name"]) as JsonValue;
        string? tagName = tagKey is not null && tagKey.GetValueKind() == System.Text.Json.JsonValueKind.String ? tagKey.GetValue<string>() : null;
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var child = obj[name];
            var isTagValue = tagName is not null && (name is "Value" or "value") && IsSensitiveName(tagName);
            if (child is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String)
            {
                if (isTagValue || IsSensitiveName(name))
                {
                    obj[name] = Mark;
                    continue;
                }

                var redacted = RedactValue(value.GetValue<string>());
                if (redacted is not null)
                {
                    obj[name] = redacted;
                }
            }
            else if (child is JsonObject or JsonArray)
            {
                if (isTagValue)
                {
                    obj[name] = Mark;
                    continue;
                }

                Redact(child);
            }
        }
    }

    private static bool LooksLikeSecretKey(string candidate) =>
        candidate.Any(char.IsUpper) && candidate.Any(char.IsLower) && candidate.Any(char.IsDigit) && !candidate.All(Uri.IsHexDigit);

    private static string Normalize(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 128)];
        var n = 0;
        foreach (var c in name)
        {
            if (n == buffer.Length)
            {
                break;
            }

            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)")]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"(?<k>\b(?:Password|Pwd|AccountKey|SharedAccessKey|SharedAccessSignature|AccessKey|Secret|ClientSecret|SecretAccessKey))\s*=\s*(?!\[REDACTED\])[^;""'\s&]+", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringSecret();

    [GeneratedRegex(@"(?<k>(?<=[?&])(?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|AWSAccessKeyId|x-ms-signature|code))=(?!\[REDACTED\])[^&#\s""]+", RegexOptions.IgnoreCase)]
    private static partial Regex SignedUrlParameter();

    [GeneratedRegex(@"(?<s>\b[a-z][a-z0-9+.-]*://)(?<u>[^:/@\s]+):(?!\[REDACTED\])[^@/\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();

    // STS / SSO session tokens: long base64 runs (AWS tokens are several hundred characters).
    [GeneratedRegex(@"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{100,}={0,2}(?![A-Za-z0-9+/=])")]
    private static partial Regex SessionToken();

    // AWS secret access keys: exactly 40 base64 characters.
    [GeneratedRegex(@"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])")]
    private static partial Regex AwsSecretKey();
}
