using System.CommandLine;
using Amazon.Runtime;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Collectors.Aws;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Aws;
using EvidenceCollector.Estate.Azure;
using EvidenceCollector.Model;
using EvidenceCollector.Store;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Cli.Commands;

/// <summary>
/// `evidence demo`: the whole pipeline against the emulated AWS and Azure estates (served in-process in the real
/// wire formats), with the demo's own fixed dummy credentials, into ./demo-data (never Store:Path). Azure's token
/// comes from the estate's managed-identity endpoint through a managed-identity credential only, so no real
/// credential of the environment is ever sent to the emulator.
/// </summary>
public static class DemoCommand
{
    public const string DefaultData = "./demo-data";

    public static Command Build()
    {
        var estateFile = new Option<string?>("--estate") { Description = "AWS estate file to serve instead of the embedded demo estate", HelpName = "FILE" };
        var azureEstateFile = new Option<string?>("--azure-estate") { Description = "Azure estate file to serve instead of the embedded demo estate", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the run summary as one JSON document on stdout" };
        var command = new Command("demo", $"Run the whole pipeline against local emulated AWS and Azure estates (no cloud account needed) into {DefaultData} or --data");
        command.Options.Add(estateFile);
        command.Options.Add(azureEstateFile);
        command.Options.Add(json);
        command.SetAction(async (result, ct) =>
        {
            var globals = EvidenceCli.Globals(result);
            var data = Path.GetFullPath(globals.Data ?? DefaultData);
            EstateDefinition estate;
            try
            {
                estate = result.GetValue(estateFile) is { } file ? EstateDefinition.LoadFile(file) : EstateDefinition.Demo();
            }
            catch (Exception e) when (e is IOException or FormatException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
            {
                throw new UserError($"--estate: {e.Message}");
            }

            await using var server = await EstateServer.StartAsync(estate, null, 0, ct).ConfigureAwait(false);
            var aws = new AwsOverride(new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey), server.BaseUrl);
            AzureEstate azureEstate;
            try
            {
                azureEstate = result.GetValue(azureEstateFile) is { } azureFile ? AzureEstate.LoadFile(azureFile) : AzureEstate.Demo();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or InvalidOperationException)
            {
                throw new UserError($"--azure-estate: {e.Message}");
            }

            await using var azure = await EstateHost.StartAsync(AzureServices.For(azureEstate), ct: ct).ConfigureAwait(false);
            var ca = Path.Combine(Path.GetTempPath(), $"evidence-demo-azure-{Guid.NewGuid():N}.pem");
            await File.WriteAllTextAsync(ca, azure.CertificatePem, ct).ConfigureAwait(false);
            try
            {
                // The demo's own managed identity: the estate's token endpoint, read by a managed-identity credential only.
                Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(azure.HttpBaseUrl, AzureServices.TokenPath).ToString());
                Environment.SetEnvironmentVariable("IDENTITY_HEADER", azureEstate.IdentityHeader);
                var settings = new Dictionary<string, string?>
                {
                    ["Aws:Organization:RoleName"] = "EvidenceCollectorReadOnly",
                    ["Aws:CredentialReportPollInterval"] = "00:00:00.200",
                    ["Azure:Enabled"] = "true",
                    ["Azure:ResourceManagerEndpoint"] = azure.HttpsBaseUrl.ToString(),
                    ["Azure:CaCertificateFile"] = ca,
                };
                using var app = App.Create(globals with { Data = data }, (services, _, _) =>
                {
                    services.AddSingleton(aws);
                    services.AddSingleton<global::Azure.Core.TokenCredential>(new global::Azure.Identity.ManagedIdentityCredential(global::Azure.Identity.ManagedIdentityId.SystemAssigned));
                }, extraConfig: settings);
                return await RunAsync(app, result, json, data, $"emulated AWS estate on {server.BaseUrl} ({estate.Accounts.Count} accounts), Azure on {azure.HttpsBaseUrl} ({azureEstate.Subscriptions.Count} subscriptions); store {data}", ct).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(ca);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(App app, ParseResult result, Option<bool> json, string data, string banner, CancellationToken ct)
    {
        var asJson = result.GetValue(json);
        if (!asJson)
        {
            Output.Line(banner);
        }

        var code = await CollectCommand.ExecuteAsync(app, RunScope.All, RunTrigger.OnDemand, "demo", null, asJson, ct, (outcome, store) =>
        {
            if (asJson || outcome.Status != RunStatus.Sealed)
            {
                return;
            }

            var mapping = app.Mapping;
            Output.Line(string.Empty);
            Output.Table(
                ["control", "name", "status", "pass", "fail", "error", "n/a"],
                outcome.Controls.Where(c => c.Status != ControlStatus.NoAutomatedEvidence)
                    .Select(c => new[] { c.ControlId, mapping.ControlsById[c.ControlId].Name, c.Status.ToWire(), N(c.Pass), N(c.Fail), N(c.Error), N(c.NotApplicable) }));
            Output.Line($"{outcome.Controls.Count(c => c.Status == ControlStatus.NoAutomatedEvidence)} more controls have no automated evidence (see `evidence controls`).");
            Output.Line(string.Empty);
            Output.Line($"Explore it: evidence findings --data {data} --status fail");
            Output.Line($"            evidence controls --data {data}");
            Output.Line($"            evidence verify --data {data}");
        }).ConfigureAwait(false);
        return code;
    }

    private static string N(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
