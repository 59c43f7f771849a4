using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>A small SigV4 client for the protocols the SDK packages here do not cover (Query, JSON 1.1, S3 Control).</summary>
internal sealed class TestSigner(Uri baseUrl, string accessKeyId = DemoCredentials.AccessKeyId, string secretAccessKey = DemoCredentials.SecretAccessKey, string? sessionToken = null, HttpClient? http = null)
{
    private static readonly HttpClient DefaultHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    private HttpClient Http => http ?? DefaultHttp;

    public Task<HttpResponseMessage> QueryAsync(string service, string region, string action, string version, params (string Key, string Value)[] parameters)
    {
        var body = string.Join('&', new[] { ("Action", action), ("Version", version) }.Concat(parameters)
            .Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}"));
        return SendAsync(HttpMethod.Post, "/", "", service, region, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8", null);
    }

    public Task<HttpResponseMessage> JsonAsync(string service, string region, string target, string json = "{}") =>
        SendAsync(HttpMethod.Post, "/", "", service, region, Encoding.UTF8.GetBytes(json), "application/x-amz-json-1.1", target);

    public Task<HttpResponseMessage> GetAsync(string service, string region, string path, string query = "", IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, path, query, service, region, [], null, null, headers);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string query, string service, string region, byte[] body,
        string? contentType, string? target, IDictionary<string, string>? extraHeaders = null, Func<string, string>? tamper = null, CancellationToken ct = default)
    {
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var host = $"{baseUrl.Host}:{baseUrl.Port}";
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payloadHash,
        };
        if (contentType is not null)
        {
            headers["content-type"] = contentType;
        }
        if (target is not null)
        {
            headers["x-amz-target"] = target;
        }
        if (sessionToken is not null)
        {
            headers["x-amz-security-token"] = sessionToken;
        }
        foreach (var (k, v) in extraHeaders ?? new Dictionary<string, string>())
        {
            headers[k.ToLowerInvariant()] = v;
        }
        var canonicalPath = service == "s3" ? path : string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=").Order(StringComparer.Ordinal));
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"{method.Method}\n{canonicalPath}\n{canonicalQuery}\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n"))}\n{signedHeaders}\n{payloadHash}";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(Hmac(Hmac(key, region), service), "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));
        if (tamper is not null)
        {
            signature = tamper(signature);
        }

        var request = new HttpRequestMessage(method, new Uri(baseUrl, path + (query.Length > 0 ? "?" + query : "")));
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }
        foreach (var (k, v) in headers.Where(h => h.Key is not ("host" or "content-type")))
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return await Http.SendAsync(request, ct).ConfigureAwait(false);
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
