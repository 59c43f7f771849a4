using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>
/// Each user database is audited: by its own policy, or by its server's (a database policy "Disabled" under an
/// enabled server audit is compliant: the server audit covers every database).
/// </summary>
public sealed class DatabaseAuditingEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.sql.database_auditing_enabled", "SQL databases are audited (by the server or the database)", Severity.Medium, "AzureSqlDatabase",
        "An unaudited database leaves no record of who read or changed its data.",
        "Enable auditing on the server (preferred) or on the database.", AzureKinds.SqlDatabase, AzureKinds.SqlServer);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var servers = input.OfKind(AzureKinds.SqlServer).ToList();
        foreach (var database in input.OfKind(AzureKinds.SqlDatabase).Where(d => !SqlServers.IsSystem(d)))
        {
            var server = servers.FirstOrDefault(s => ArmJson.SameId(s.ResourceId, SqlServers.ServerOf(database)));
            var (own, ownError) = ArmJson.Related(database, "auditingSettings");
            if (ownError is not null)
            {
                yield return CheckResult.Error(database, ownError);
                continue;
            }

            if (ArmJson.Text(ArmJson.Object(own, "properties"), "state") == "Enabled")
            {
                yield return CheckResult.Pass(database, $"{ArmJson.Name(database)} is audited by its own policy");
                continue;
            }

            if (server is null)
            {
                yield return CheckResult.Error(database, "the database's server is not in the evidence, so its server audit cannot be judged");
                continue;
            }

            var (policy, error) = SqlServers.Auditing(server);
            yield return error is not null
                ? EvidenceChecks.Result(database.ResourceId, database.Region, FindingStatus.Error, error, [database, server])
                : ArmJson.Text(policy, "state") == "Enabled"
                    ? EvidenceChecks.Result(database.ResourceId, database.Region, FindingStatus.Pass, $"{ArmJson.Name(database)} is audited by server {ArmJson.Name(server)}", [database, server])
                    : EvidenceChecks.Result(database.ResourceId, database.Region, FindingStatus.Fail, $"neither {ArmJson.Name(database)} nor server {ArmJson.Name(server)} audits", [database, server]);
        }
    }
}
