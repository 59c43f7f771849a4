using System.CommandLine;
using Amazon.Runtime;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Collectors.Aws;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Aws;
using EvidenceCollector.Model;
using EvidenceCollector.Store;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Cli.Commands;

/// <summary>
/// `evidence demo`: the whole pipeline against the emulated AWS estate (served in-process in the real
/// wire formats), with the demo's own fixed dummy credentials, into ./demo-data (never Store:Path).
/// </summary>
public static class DemoCommand
{
    public const string DefaultData = "./demo-data";

    public static Command Build()
    {
        var estateFile = new Option<string?>("--estate") { Description = "Estate file to serve instead of the embedded demo estate", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the run summary as one JSON document on stdout" };
        var command = new Command("demo", $"Run the whole pipeline against a local emulated AWS estate (no cloud account needed) into {DefaultData} or --data");
        command.Options.Add(estateFile);
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
            var settings = new Dictionary<string, string?>
            {
                ["Aws:Organization:RoleName"] = "EvidenceCollectorReadOnly",
                ["Aws:CredentialReportPollInterval"] = "00:00:00.200",
            };
            using var app = App.Create(globals with { Data = data }, (services, _, _) => services.AddSingleton(aws), extraConfig: settings);
            var asJson = result.GetValue(json);
            if (!asJson)
            {
                Output.Line($"emulated AWS estate on {server.BaseUrl} ({estate.Accounts.Count} accounts); store {data}");
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
        });
        return command;
    }

    private static string N(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
