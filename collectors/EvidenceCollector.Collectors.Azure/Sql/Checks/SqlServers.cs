using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>What the SQL checks share: server and user-database readers (the <c>master</c> system database is not judged).</summary>
internal static class SqlServers
{
    public static CheckMetadata Server(string id, string title, Severity severity, string rationale, string remediation) =>
        ArmJson.Meta(id, title, severity, "AzureSqlServer", rationale, remediation, AzureKinds.SqlServer);

    /// <summary>The server's blob auditing policy state (Enabled / Disabled), or the error that kept it unread.</summary>
    public static (JsonElement Properties, string? Error) Auditing(EvidenceItem item)
    {
        var (policy, error) = ArmJson.Related(item, "auditingSettings");
        return error is not null ? (default, error) : (ArmJson.Object(policy, "properties"), null);
    }

    /// <summary>A system database (master): ARM lists it with kind <c>v12.0,system</c>.</summary>
    public static bool IsSystem(EvidenceItem database) =>
        (database.Payload.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String && k.GetString()!.Contains("system", StringComparison.OrdinalIgnoreCase))
        || string.Equals(ArmJson.Name(database), "master", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server a database belongs to (its id up to <c>/databases/</c>).</summary>
    public static string ServerOf(EvidenceItem database)
    {
        var at = database.ResourceId.LastIndexOf("/databases/", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? database.ResourceId : database.ResourceId[..at];
    }
}
