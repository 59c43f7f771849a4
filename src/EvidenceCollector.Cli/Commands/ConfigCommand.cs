using System.CommandLine;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence config check`: validate every option, the schedules, the mapping and the signing key.</summary>
public static class ConfigCommand
{
    public static Command Build()
    {
        var check = new Command("check", "Validate the effective configuration (options, schedules, mapping, signing key); print it with secrets redacted");
        check.SetAction(result =>
        {
            using var app = App.Create(EvidenceCli.Globals(result), (services, configuration, paths) =>
                services.AddEvidenceScheduler(configuration, EvidenceStore.ConnectionStringFor(Path.Combine(paths.Store, EvidenceStore.IndexFile), readOnly: false)));
            _ = app.Mapping;
            var signing = app.Services.GetRequiredService<IOptions<SigningOptions>>().Value;
            try
            {
                if (!string.IsNullOrWhiteSpace(signing.KeyPath))
                {
                    using var key = PemSigner.Load(signing.KeyPath);
                    Output.Line($"signing key: {signing.KeyPath} (key id {key.KeyId})");
                }
                else
                {
                    Output.Line($"signing key: generated on first use in {Path.Combine(app.StorePath, "keys", SignerFactory.GeneratedKeyFile)}");
                }
            }
            catch (SigningException e)
            {
                throw new UserError(e.Message);
            }

            Output.Line($"store: {app.StorePath}");
            Output.Line($"mappings: {app.MappingPath}");
            Output.Line($"configuration hash: {AppConfiguration.Hash(app.Configuration)}");
            foreach (var (key, value) in AppConfiguration.Display(app.Configuration))
            {
                Output.Line($"  {key} = {value}");
            }

            Output.Line("configuration valid");
            return ExitCodes.Ok;
        });
        var command = new Command("config", "Configuration");
        command.Subcommands.Add(check);
        return command;
    }
}
