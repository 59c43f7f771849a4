using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>The server has a Microsoft Entra administrator (an <c>ActiveDirectory</c> administrator), so logins can be central identities.</summary>
public sealed class ServerEntraAdminConfiguredCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SqlServers.Server("azure.sql.server_entra_admin_configured", "SQL servers have a Microsoft Entra administrator", Severity.Medium,
        "Without an Entra administrator only SQL logins exist: passwords outside central identity management with no MFA and no joiner-leaver process.",
        "Set a Microsoft Entra group as the server's administrator (and consider Entra-only authentication).");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlServer, (item, _) =>
        {
            var (admins, error) = ArmJson.RelatedList(item, "administrators");
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            var entra = admins.Select(a => ArmJson.Object(a, "properties")).FirstOrDefault(p => ArmJson.Text(p, "administratorType") == "ActiveDirectory");
            return entra.ValueKind == System.Text.Json.JsonValueKind.Object
                ? CheckResult.Pass(item, $"{ArmJson.Name(item)} has Entra administrator {ArmJson.Text(entra, "login")}" + (ArmJson.Bool(entra, "azureADOnlyAuthentication") == true ? " (Entra-only authentication)" : string.Empty))
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} has no Microsoft Entra administrator");
        });
}
