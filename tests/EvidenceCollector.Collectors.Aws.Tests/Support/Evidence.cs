using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Support;

/// <summary>Builds check inputs from JSON snapshots or collected records, as the runner would.</summary>
public static class Evidence
{
    public const string Account = "123456789012";

    public static EvidenceItem Item(string kind, string json, string region = "eu-west-1", string? resourceId = null)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kind + json + region)));
        return new EvidenceItem(kind, Account, region, resourceId ?? $"arn:aws:test:{region}:{Account}:{hash[..8]}", hash, JsonDocument.Parse(json).RootElement.Clone());
    }

    public static CheckInput Input(params EvidenceItem[] items) => new(Provider.Aws, Account, items);

    public static CheckInput FromRecords(string account, IEnumerable<EvidenceRecord> records, IReadOnlyList<string> kinds) =>
        new(Provider.Aws, account, records.Where(r => kinds.Contains(r.Kind)).Select(r =>
        {
            var json = r.Payload.ToJsonString();
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
            return new EvidenceItem(r.Kind, account, r.Region, r.ResourceId, hash, JsonDocument.Parse(json).RootElement.Clone());
        }).ToList());
}
