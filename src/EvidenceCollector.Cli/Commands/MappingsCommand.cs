using System.CommandLine;
using System.Text.Json.Nodes;
using EvidenceCollector.Cli.Infrastructure;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence mappings validate`: load and validate the mapping; print coverage per theme.</summary>
public static class MappingsCommand
{
    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print the coverage as one JSON document on stdout" };
        var validate = new Command("validate", "Validate the mapping files against the control catalogue and the built-in checks; print coverage per theme");
        validate.Options.Add(json);
        validate.SetAction(result =>
        {
            using var app = App.Create(EvidenceCli.Globals(result));
            var mapping = app.Mapping;
            var checks = app.Checks.Select(c => c.Metadata).ToList();
            var automated = mapping.AutomatedControls(checks);
            var themes = mapping.Controls.GroupBy(c => c.Theme).Select(g => (Theme: g.Key, Total: g.Count(), Automated: g.Count(c => automated.Contains(c.Id)))).ToList();
            if (result.GetValue(json))
            {
                Output.Json(new JsonObject
                {
                    ["valid"] = true,
                    ["controls"] = mapping.Controls.Count,
                    ["checks"] = checks.Count,
                    ["checkRows"] = mapping.CheckRows.Count,
                    ["ruleTables"] = new JsonObject(mapping.RuleTables.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value.Count))),
                    ["themes"] = new JsonArray(themes.Select(t => (JsonNode)new JsonObject { ["theme"] = t.Theme, ["controls"] = t.Total, ["automated"] = t.Automated, ["manualOnly"] = t.Total - t.Automated }).ToArray()),
                });
                return ExitCodes.Ok;
            }

            Output.Line($"mapping valid: {mapping.Directory}");
            Output.Line($"{mapping.Controls.Count} controls, {checks.Count} built-in checks, {mapping.CheckRows.Count} check rows, {string.Join(", ", mapping.RuleTables.Select(t => $"{t.Value.Count} rows in {t.Key}.csv"))}");
            Output.Table(
                ["theme", "controls", "automated", "manual-only"],
                themes.Select(t => new[] { t.Theme, t.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Automated.ToString(System.Globalization.CultureInfo.InvariantCulture), (t.Total - t.Automated).ToString(System.Globalization.CultureInfo.InvariantCulture) })
                    .Append(["total", mapping.Controls.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), automated.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), (mapping.Controls.Count - automated.Count).ToString(System.Globalization.CultureInfo.InvariantCulture)]));
            return ExitCodes.Ok;
        });
        var command = new Command("mappings", "The Annex A mapping table");
        command.Subcommands.Add(validate);
        return command;
    }
}
