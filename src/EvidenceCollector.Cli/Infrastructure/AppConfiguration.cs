using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using EvidenceCollector.Canonical;
using EvidenceCollector.Redaction;

namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>
/// Configuration: <c>appsettings.json</c> next to the executable, then <c>EVIDENCE__…</c> environment
/// variables, then <c>--config FILE</c>, then flags (<c>--data</c> → <c>Store:Path</c>, <c>--mappings</c> →
/// <c>Mapping:Path</c>). Credentials never come from here: each cloud's default chain provides them.
/// </summary>
public static class AppConfiguration
{
    public const string EnvironmentPrefix = "EVIDENCE__";

    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix);
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new UserError($"--config: {configFile}: file not found");
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(overrides.Where(o => o.Value is not null));
        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new UserError($"--config: {configFile}: {e.Message}");
        }
    }

    /// <summary>
    /// SHA-256 of the canonical JSON of the effective configuration, with secret-looking keys and values
    /// excluded, so a run records what it was configured with without recording a secret.
    /// </summary>
    public static string Hash(IConfiguration configuration)
    {
        var flat = new JsonObject();
        foreach (var (key, value) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (key.Split(':').Any(Redactor.IsSensitiveName))
            {
                continue;
            }

            flat[key] = Redactor.RedactValue(value!) ?? value;
        }

        return Jcs.Sha256Hex(Jcs.Canonicalize(flat));
    }

    /// <summary>The effective configuration for display, secrets redacted.</summary>
    public static IEnumerable<(string Key, string Value)> Display(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(kv => kv.Value is not null && !kv.Key.StartsWith("Logging", StringComparison.Ordinal))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Key.Split(':').Any(Redactor.IsSensitiveName) ? Redactor.Mark : Redactor.RedactValue(kv.Value!) ?? kv.Value!));
}
