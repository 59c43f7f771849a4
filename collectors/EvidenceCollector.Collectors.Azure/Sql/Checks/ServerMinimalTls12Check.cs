using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql.Checks;

/// <summary>The server refuses TLS below 1.2 (<c>minimalTlsVersion</c> 1.2 or 1.3; absent or "None" accepts every version).</summary>
public sealed class ServerMinimalTls12Check : ICheck
{
    public CheckMetadata Metadata { get; } = SqlServers.Server("azure.sql.server_minimal_tls_1_2", "SQL servers require TLS 1.2 or later", Severity.Medium,
        "TLS 1.0 and 1.1 have known weaknesses; a server that accepts them lets a client negotiate a weak connection.",
        "Set the server's minimalTlsVersion to 1.2.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        ArmJson.Each(input, AzureKinds.SqlServer, (item, p) => ArmJson.Text(p, "minimalTlsVersion") switch
        {
            "1.2" or "1.3" => CheckResult.Pass(item, $"{ArmJson.Name(item)} requires TLS {ArmJson.Text(p, "minimalTlsVersion")} or later"),
            var value => CheckResult.Fail(item, $"{ArmJson.Name(item)} accepts TLS below 1.2 (minimalTlsVersion {value ?? "not set"})"),
        });
}
