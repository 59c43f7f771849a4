using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>Each user database has transparent data encryption on (the <c>current</c> TDE state Enabled; master is not judged).</summary>
public sealed class DatabaseTdeEnabledCheck : ICheck
{
    public CheckMetadata Metadata { get; } = ArmJson.Meta("azure.sql.database_tde_enabled", "SQL databases have transparent data encryption on", Severity.High, "AzureSqlDatabase",
        "Without TDE the database files, backups and logs are stored unencrypted.",
        "Turn transparent data encryption on for the database.", AzureKinds.SqlDatabase);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlDatabase, (item, _) =>
        {
            if (SqlServers.IsSystem(item))
            {
                return null;
            }

            var (states, error) = ArmJson.RelatedList(item, "transparentDataEncryption");
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            var state = states.Select(s => ArmJson.Text(ArmJson.Object(s, "properties"), "state")).FirstOrDefault(s => s is not null);
            return state switch
            {
                "Enabled" => CheckResult.Pass(item, $"{ArmJson.Name(item)} is encrypted by TDE"),
                null => CheckResult.Error(item, $"the TDE state of {ArmJson.Name(item)} was not answered"),
                _ => CheckResult.Fail(item, $"{ArmJson.Name(item)} has TDE {state}"),
            };
        });
}
