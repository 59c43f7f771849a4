using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>
/// No firewall rule opens the server to every address (0.0.0.0 – 255.255.255.255), nor to every Azure resource of
/// any tenant (the 0.0.0.0 – 0.0.0.0 "Allow Azure services" rule).
/// </summary>
public sealed class ServerNoAllowAllFirewallRuleCheck : ICheck
{
    public CheckMetadata Metadata { get; } = SqlServers.Server("azure.sql.server_no_allow_all_firewall_rule", "SQL server firewalls do not allow every address", Severity.High,
        "A rule from 0.0.0.0 to 255.255.255.255 opens the server to the whole internet; 0.0.0.0 to 0.0.0.0 opens it to every Azure resource of every customer.",
        "Delete the rule and allow the specific addresses or virtual networks that need access.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlServer, (item, _) =>
        {
            var (rules, error) = ArmJson.RelatedList(item, "firewallRules");
            if (error is not null)
            {
                return CheckResult.Error(item, error);
            }

            var open = rules.Select(r => (Name: ArmJson.Text(r, "name") ?? "unnamed", P: ArmJson.Object(r, "properties")))
                .Where(r => ArmJson.Text(r.P, "startIpAddress") == "0.0.0.0" && ArmJson.Text(r.P, "endIpAddress") is "255.255.255.255" or "0.0.0.0")
                .Select(r => $"{r.Name} ({ArmJson.Text(r.P, "startIpAddress")} - {ArmJson.Text(r.P, "endIpAddress")})").ToList();
            return open.Count == 0
                ? CheckResult.Pass(item, $"no firewall rule of {ArmJson.Name(item)} allows every address ({rules.Count} rules)")
                : CheckResult.Fail(item, $"{ArmJson.Name(item)} allows every address through {string.Join(", ", open)}");
        });
}
