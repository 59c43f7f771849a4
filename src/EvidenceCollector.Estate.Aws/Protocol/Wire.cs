using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EvidenceCollector.Estate.Aws.Protocol;

/// <summary>Builds answers in the AWS wire formats.</summary>
internal static class Wire
{
    public static readonly XNamespace Ec2Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
    public static readonly XNamespace S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
    public static readonly XNamespace S3ControlNs = "http://awss3control.amazonaws.com/doc/2018-08-20/";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false };

    /// <summary>ISO 8601 UTC with milliseconds, as the XML protocols write timestamps.</summary>
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Epoch seconds, as JSON 1.1 writes timestamps.</summary>
    public static JsonNode Epoch(DateTimeOffset t) => JsonValue.Create(t.ToUnixTimeMilliseconds() / 1000.0);

    public static string Bool(bool b) => b ? "true" : "false";

    public static string Int(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>An element in <paramref name="ns"/>; null children are dropped; elements without content and null value are dropped by <see cref="Opt"/>.</summary>
    public static XElement E(XNamespace ns, string name, params object?[] content) => new(ns + name, content.Where(c => c is not null));

    /// <summary>The element, or null when <paramref name="value"/> is null (so it is omitted).</summary>
    public static XElement? Opt(XNamespace ns, string name, string? value) => value is null ? null : new XElement(ns + name, value);

    public static XElement List(XNamespace ns, string name, string itemName, IEnumerable<object?> items) =>
        new(ns + name, items.Where(i => i is not null).Select(i => i is XElement x && x.Name.LocalName == itemName ? x : new XElement(ns + itemName, i)));

    /// <summary>AWS Query success: <c>&lt;OpResponse&gt;&lt;OpResult&gt;…&lt;/OpResult&gt;&lt;ResponseMetadata/&gt;</c>.</summary>
    public static AwsResponse Query(AwsRequest r, XNamespace ns, params object?[] result)
    {
        var root = E(ns, r.Operation + "Response",
            E(ns, r.Operation + "Result", result),
            E(ns, "ResponseMetadata", E(ns, "RequestId", r.RequestId)));
        return Xml(root, 200, r.RequestId);
    }

    /// <summary>EC2 success: <c>&lt;OpResponse&gt;&lt;requestId/&gt;…</c>.</summary>
    public static AwsResponse Ec2(AwsRequest r, params object?[] content) =>
        Xml(E(Ec2Ns, r.Operation + "Response", [E(Ec2Ns, "requestId", r.RequestId), .. content]), 200, r.RequestId);

    public static AwsResponse Xml(XElement root, int status, string requestId)
    {
        var body = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting));
        var response = new AwsResponse(status, "text/xml", body);
        response.Headers["x-amzn-RequestId"] = requestId;
        response.Headers["x-amz-request-id"] = requestId;
        return response;
    }

    public static AwsResponse Json(AwsRequest r, JsonObject body) => Json(body, 200, r.RequestId);

    public static AwsResponse Json(JsonObject body, int status, string requestId)
    {
        var response = new AwsResponse(status, "application/x-amz-json-1.1", Encoding.UTF8.GetBytes(body.ToJsonString(CompactJson)));
        response.Headers["x-amzn-RequestId"] = requestId;
        return response;
    }

    /// <summary>A JSON object of the non-null properties.</summary>
    public static JsonObject Obj(params (string Name, JsonNode? Value)[] props)
    {
        var o = new JsonObject();
        foreach (var (name, value) in props)
        {
            if (value is not null)
            {
                o[name] = value;
            }
        }
        return o;
    }

    public static JsonArray Arr(IEnumerable<JsonNode?> items) => new([.. items]);

    public static JsonNode? Node(JsonElement? e) => e is { } v ? JsonNode.Parse(v.GetRawText()) : null;

    /// <summary>Renders an error in the format of <paramref name="protocol"/>.</summary>
    public static AwsResponse Error(WireProtocol protocol, XNamespace queryNs, AwsError e, string requestId)
    {
        switch (protocol)
        {
            case WireProtocol.Json:
                return Json(Obj(("__type", e.Code), ("message", e.Message)), e.Status, requestId);
            case WireProtocol.Ec2:
                return Xml(new XElement("Response",
                    new XElement("Errors", new XElement("Error", new XElement("Code", e.Code), new XElement("Message", e.Message))),
                    new XElement("RequestID", requestId)), e.Status, requestId);
            case WireProtocol.RestXml:
                var s3 = new XElement("Error", new XElement("Code", e.Code), new XElement("Message", e.Message));
                foreach (var (k, v) in e.Extra)
                {
                    s3.Add(new XElement(k, v));
                }
                s3.Add(new XElement("RequestId", requestId), new XElement("HostId", Convert.ToBase64String(Encoding.UTF8.GetBytes(requestId))));
                var response = Xml(s3, e.Status, requestId);
                response.Headers["x-amz-id-2"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(requestId));
                return response;
            default:
                return Xml(E(queryNs, "ErrorResponse",
                    E(queryNs, "Error",
                        E(queryNs, "Type", e.SenderFault ? "Sender" : "Receiver"),
                        E(queryNs, "Code", e.Code),
                        E(queryNs, "Message", e.Message)),
                    E(queryNs, "RequestId", requestId)), e.Status, requestId);
        }
    }
}
