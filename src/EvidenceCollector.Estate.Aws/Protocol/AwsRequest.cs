using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace EvidenceCollector.Estate.Aws.Protocol;

internal enum WireProtocol
{
    /// <summary>AWS Query (IAM, STS, RDS): form parameters in, XML out, ErrorResponse errors.</summary>
    Query,
    /// <summary>EC2 Query: form parameters in, XML with requestId out, Response/Errors errors.</summary>
    Ec2,
    /// <summary>JSON 1.1 with X-Amz-Target.</summary>
    Json,
    /// <summary>REST-XML (S3, S3 Control).</summary>
    RestXml,
}

/// <summary>Who signed the request.</summary>
internal sealed record Caller(string AccountId, string Arn, string UserId, string AccessKeyId, string SecretAccessKey, string? SessionToken, DateTimeOffset? Expiration)
{
    public bool IsRoot => Arn.EndsWith(":root", StringComparison.Ordinal);
}

/// <summary>One authenticated request, resolved to service, operation, account and region.</summary>
internal sealed class AwsRequest
{
    public required HttpContext Http { get; init; }
    public required string Service { get; init; }
    public required string Operation { get; init; }
    public required WireProtocol Protocol { get; init; }
    public required string Region { get; init; }
    public required EstateAccount Account { get; init; }
    public required Caller Caller { get; init; }
    public required string RequestId { get; init; }
    public required DateTimeOffset Now { get; init; }
    public required int PageSize { get; init; }
    public required EstateSwitches Switches { get; init; }
    /// <summary>Query/EC2 parameters (form body merged over the query string) and, for REST, the query string.</summary>
    public required IReadOnlyDictionary<string, string> Params { get; init; }
    /// <summary>JSON 1.1 request body (an empty object when the body is empty).</summary>
    public JsonElement Json { get; init; }
    /// <summary>REST: the decoded path.</summary>
    public string Path { get; init; } = "/";

    public string? Param(string name) => Params.TryGetValue(name, out var v) ? v : null;

    public int? IntParam(string name) =>
        Param(name) is { } v ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
            : throw new AwsError(Protocol == WireProtocol.Ec2 ? "InvalidParameterValue" : "ValidationError", $"Value '{v}' for {name} is not an integer") : null;

    public bool BoolParam(string name) => string.Equals(Param(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Query list parameter <c>{prefix}.1</c>, <c>{prefix}.2</c>, … in order.</summary>
    public List<string> ListParam(string prefix)
    {
        var list = new List<string>();
        for (var i = 1; Param($"{prefix}.{i}") is { } v; i++)
        {
            list.Add(v);
        }
        return list;
    }

    /// <summary>EC2 filters <c>Filter.N.Name</c> / <c>Filter.N.Value.M</c>.</summary>
    public List<(string Name, List<string> Values)> Filters()
    {
        var filters = new List<(string, List<string>)>();
        for (var i = 1; Param($"Filter.{i}.Name") is { } name; i++)
        {
            filters.Add((name, ListParam($"Filter.{i}.Value")));
        }
        return filters;
    }

    public string? JsonString(string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public int? JsonInt(string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public bool? JsonBool(string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public List<string> JsonStrings(string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    /// <summary>The page size for this call: the estate's page size, or the caller's limit when smaller.</summary>
    public int Limit(int? requested) => requested is int r && r > 0 && r < PageSize ? r : PageSize;
}

/// <summary>A rendered answer.</summary>
internal sealed record AwsResponse(int Status, string ContentType, byte[] Body)
{
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}
