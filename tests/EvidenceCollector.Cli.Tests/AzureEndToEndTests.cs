using System.Text.Json;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Azure;

namespace EvidenceCollector.Cli.Tests;

/// <summary>
/// `evidence collect --provider azure` against the emulated Azure estate, as an operator would run it: the managed
/// identity in the environment, a custom Resource Manager endpoint whose certificate chains to Azure:CaCertificateFile.
/// </summary>
public sealed class AzureEndToEndTests
{
    private const string Production = "00000000-0000-4000-8000-000000000001";
    private const string Sandbox = "00000000-0000-4000-8000-000000000002";

    [Fact]
    public async Task Collect_Azure_SealsTheFindingsOfEveryCollectedSubscription_AndNoPlantedSecretReachesTheStoreOrTheLog()
    {
        var estate = AzureEstate.Demo();
        await using var host = await EstateHost.StartAsync(AzureServices.For(estate));
        var dir = Directory.CreateTempSubdirectory("ec-azure-e2e-").FullName;
        try
        {
            var ca = Path.Combine(dir, "estate-ca.pem");
            await File.WriteAllTextAsync(ca, host.CertificatePem);
            var data = Path.Combine(dir, "data");
            var environment = new Dictionary<string, string>
            {
                ["IDENTITY_ENDPOINT"] = new Uri(host.HttpBaseUrl, AzureServices.TokenPath).ToString(),
                ["IDENTITY_HEADER"] = estate.IdentityHeader,
                ["MSI_ENDPOINT"] = string.Empty,
                ["AZURE_CLIENT_ID"] = string.Empty,
                ["AZURE_TENANT_ID"] = string.Empty,
                ["AZURE_CLIENT_SECRET"] = string.Empty,
                ["AZURE_FEDERATED_TOKEN_FILE"] = string.Empty,
                ["EVIDENCE__Azure__Enabled"] = "true",
                ["EVIDENCE__Azure__ResourceManagerEndpoint"] = host.HttpsBaseUrl.ToString(),
                ["EVIDENCE__Azure__CaCertificateFile"] = ca,
            };

            var collect = await Cli.RunAsync(["collect", "--provider", "azure", "--data", data], environment, TimeSpan.FromMinutes(2));
            Assert.True(collect.Code == 0, $"collect exited {collect.Code}: {collect.Err}");

            var (code, json, err) = await Cli.RunAsync(["findings", "--data", data, "--json"], null);
            Assert.True(code == 0, err);
            var findings = JsonDocument.Parse(json).RootElement.EnumerateArray()
                .Select(f => (Check: f.GetProperty("checkId").GetString()!, Account: f.GetProperty("account").GetString()!, Resource: f.GetProperty("resourceId").GetString()!, Status: f.GetProperty("status").GetString()!))
                .ToList();

            Assert.DoesNotContain(findings, f => f.Status == "error");
            Assert.All(findings, f => Assert.StartsWith("azure.", f.Check, StringComparison.Ordinal));
            Assert.Contains(findings, f => f is { Check: "azure.storage.secure_transfer_required", Status: "fail" } && f.Resource.EndsWith("storageAccounts/stlegacy2019", StringComparison.Ordinal));
            Assert.Contains(findings, f => f is { Check: "azure.storage.minimum_tls_1_2", Status: "pass" } && f.Resource.EndsWith("storageAccounts/stprodlogs", StringComparison.Ordinal));
            Assert.Contains(("azure.authorization.subscription_owners_2_to_3", Production, $"/subscriptions/{Production}", "pass"), findings);
            Assert.Contains(("azure.authorization.subscription_owners_2_to_3", Sandbox, $"/subscriptions/{Sandbox}", "fail"), findings);
            Assert.Contains(findings, f => f is { Check: "azure.authorization.service_principal_not_owner", Account: Production, Status: "fail" } && f.Resource.EndsWith("roleAssignments/3f0e2c1a-0000-4000-8000-000000000103", StringComparison.Ordinal));
            Assert.Contains(findings, f => f is { Check: "azure.authorization.user_access_administrator_not_assigned", Account: Production, Status: "fail" });
            Assert.Contains(findings, f => f is { Check: "azure.authorization.custom_role_no_wildcard_actions", Status: "fail" } && f.Resource.EndsWith("5d3f9a10-0000-4000-8000-0000000000a1", StringComparison.Ordinal));
            Assert.Contains(findings, f => f is { Check: "azure.authorization.custom_role_no_wildcard_actions", Status: "pass" } && f.Resource.EndsWith("5d3f9a10-0000-4000-8000-0000000000a2", StringComparison.Ordinal));
            Assert.DoesNotContain(findings, f => f.Account == "00000000-0000-4000-8000-000000000003");

            // Every service: at least 40 built-in checks judged something, with fails among them.
            var builtIn = findings.Where(f => !f.Check.StartsWith("azure.policy.definition.", StringComparison.Ordinal)).Select(f => f.Check).Distinct().ToList();
            Assert.True(builtIn.Count >= 40, $"{builtIn.Count} built-in Azure checks gave findings");
            Assert.Contains(findings, f => f is { Check: "azure.network.nsg_rdp_not_open_to_internet", Status: "fail" } && f.Resource.EndsWith("networkSecurityGroups/nsg-mgmt", StringComparison.Ordinal));
            Assert.Contains(findings, f => f is { Check: "azure.network.nsg_ssh_not_open_to_internet", Status: "pass" } && f.Resource.EndsWith("networkSecurityGroups/nsg-web", StringComparison.Ordinal));
            Assert.Contains(("azure.network.watcher_enabled_in_used_regions", Production, $"/subscriptions/{Production}/locations/northeurope", "fail"), findings);
            Assert.Contains(("azure.monitor.activity_log_exported", Production, $"/subscriptions/{Production}", "pass"), findings);
            Assert.Contains(("azure.monitor.activity_log_exported", Sandbox, $"/subscriptions/{Sandbox}", "fail"), findings);
            Assert.Contains(findings, f => f is { Check: "azure.sql.database_auditing_enabled", Status: "pass" } && f.Resource.EndsWith("databases/appdb", StringComparison.Ordinal));
            Assert.Contains(findings, f => f is { Check: "azure.sql.database_tde_enabled", Status: "fail" } && f.Resource.EndsWith("databases/legacydb", StringComparison.Ordinal));
            Assert.DoesNotContain(findings, f => f.Check == "azure.sql.database_tde_enabled" && f.Resource.EndsWith("databases/master", StringComparison.Ordinal));
            Assert.Contains(("azure.sql.server_auditing_enabled", Sandbox, $"/subscriptions/{Sandbox}", "not_applicable"), findings);
            Assert.Contains(findings, f => f is { Check: "azure.defender.sql_servers_plan_on", Account: Production, Status: "fail" } && f.Resource.EndsWith("pricings/SqlServers", StringComparison.Ordinal));
            Assert.Contains(("azure.defender.alert_notifications_enabled", Sandbox, $"/subscriptions/{Sandbox}", "fail"), findings);
            Assert.Contains(("azure.defender.alert_notifications_enabled", Production, $"/subscriptions/{Production}", "pass"), findings);

            // Azure Policy: per (assignment, definition, resource); the one definition under two assignments gives two findings.
            var secureTransfer = findings.Where(f => f.Check == "azure.policy.definition.404c3081-a854-4457-ae30-26a93ef643f9" && f.Resource.EndsWith("stlegacy2019", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, secureTransfer.Count);
            Assert.All(secureTransfer, f => Assert.Equal("fail", f.Status));
            var mapped = JsonDocument.Parse(json).RootElement.EnumerateArray().First(f => f.GetProperty("checkId").GetString() == "azure.policy.definition.404c3081-a854-4457-ae30-26a93ef643f9");
            Assert.NotEqual(0, mapped.GetProperty("controls").GetArrayLength());
            Assert.Contains(findings, f => f is { Check: "azure.policy.definition.deny public storage", Status: "fail" });
            var controls = await Cli.RunAsync(["controls", "--data", data], null);
            Assert.Contains("azure.policy.definition.deny public storage", controls.Out + controls.Err, StringComparison.Ordinal);

            // Secrets planted in tag values (a connection string's account key, a SAS signature) are redacted by value.
            foreach (var secret in (string[])["c2FuZGJveC1wbGFudGVkLWFjY291bnQta2V5", "cGxhbnRlZC1zYXMtc2lnbmF0dXJl"])
            {
                Assert.DoesNotContain(secret, collect.Out + collect.Err, StringComparison.Ordinal);
                foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
                {
                    Assert.False(Contains(file, secret), $"{file} holds a planted secret");
                }
            }

            var verify = await Cli.RunAsync(["verify", "--data", data], null);
            Assert.True(verify.Code == 0, verify.Out + verify.Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Whether the file holds the text (the store keeps payloads as canonical JSON, uncompressed).</summary>
    private static bool Contains(string file, string text)
    {
        var bytes = File.ReadAllBytes(file);
        return System.Text.Encoding.UTF8.GetString(bytes).Contains(text, StringComparison.Ordinal);
    }
}
