using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.S3.Checks;

internal static class Buckets
{
    /// <summary>
    /// The default-encryption settings of a bucket as S3 writes them
    /// (<c>ServerSideEncryptionConfiguration/Rule/ApplyServerSideEncryptionByDefault</c>; one rule or several).
    /// </summary>
    public static IEnumerable<JsonElement> EncryptionDefaults(EvidenceItem item)
    {
        var rules = item.Payload.Path("Encryption", "ServerSideEncryptionConfiguration")?.Prop("Rule");
        var list = rules switch
        {
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().ToList(),
            { ValueKind: JsonValueKind.Object } o => [o],
            _ => [],
        };
        return list.Select(r => r.Prop("ApplyServerSideEncryptionByDefault")).Where(d => d is { ValueKind: JsonValueKind.Object }).Select(d => d!.Value);
    }

    public static CheckMetadata Meta(string id, string title, Severity severity, string rationale, string remediation, params string[] extraKinds) =>
        new(Provider.Aws, id, title, severity, "AwsS3Bucket", rationale, remediation, [AwsKinds.S3Bucket, .. extraKinds], ItemByItem: extraKinds.Length == 0);
}
