using System.Security.Cryptography;
using System.Text;

namespace EvidenceCollector.Estate.Aws.Protocol;

/// <summary>Verifies AWS Signature Version 4 <c>Authorization</c> headers (header-based signing only).</summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    internal sealed record Authorization(string AccessKeyId, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature)
    {
        public string Scope => $"{Date}/{Region}/{Service}/aws4_request";
    }

    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=…, Signature=…</c>; null when incomplete.</summary>
    public static Authorization? Parse(string header)
    {
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return null;
        }
        var parts = header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signed) || !parts.TryGetValue("Signature", out var signature))
        {
            return null;
        }
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request" || scope[1].Length != 8 || signature.Length != 64)
        {
            return null;
        }
        return new Authorization(scope[0], scope[1], scope[2], scope[3], signed.Split(';'), signature);
    }

    /// <param name="doubleEncodePath">True for every service but S3: the canonical URI encodes each path segment again.</param>
    public static string Sign(string secretAccessKey, Authorization auth, string method, string rawPath, string rawQuery,
        Func<string, string?> header, string payloadHash, bool doubleEncodePath)
    {
        var canonicalUri = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
        if (doubleEncodePath)
        {
            canonicalUri = string.Join('/', canonicalUri.Split('/').Select(s => UriEncode(s)));
        }
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var name in auth.SignedHeaders)
        {
            canonical.Append(name).Append(':').Append(CollapseSpaces(header(name) ?? "")).Append('\n');
        }
        canonical.Append('\n').Append(string.Join(';', auth.SignedHeaders)).Append('\n').Append(payloadHash);

        var amzDate = header("x-amz-date") ?? "";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{auth.Scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), auth.Date);
        key = Hmac(key, auth.Region);
        key = Hmac(key, auth.Service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    public static bool SignatureEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static string PayloadHash(byte[] body) => Hex(SHA256.HashData(body));

    /// <summary>RFC 3986 encoding of everything but unreserved characters (and '/' when <paramref name="keepSlash"/>).</summary>
    public static string UriEncode(string value, bool keepSlash = false)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private static string CanonicalQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return "";
        }
        return string.Join('&', rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var kv = p.Split('=', 2);
                return (Name: UriEncode(Uri.UnescapeDataString(kv[0])), Value: UriEncode(kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : ""));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    private static string CollapseSpaces(string value)
    {
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ')
            {
                if (!space)
                {
                    sb.Append(c);
                }
                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }
        return sb.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
