using System.CommandLine;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence estate serve`: the emulated AWS estate on its own (for benchmarks and manual exploration).</summary>
public static class EstateCommand
{
    public static Command Build()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: a free port)", DefaultValueFactory = _ => 0 };
        var file = new Option<string?>("--estate") { Description = "Estate file (default: the embedded demo estate)", HelpName = "FILE" };
        var generate = new Option<string?>("--generate") { Description = "Serve a synthetic estate: ACCOUNTSxREGIONSxRESOURCES, e.g. 5x4x1000", HelpName = "AxRxN" };
        var latency = new Option<int>("--latency-ms") { Description = "Latency added to every call", DefaultValueFactory = _ => 0 };
        var throttle = new Option<string[]>("--throttle") { Description = "Per-service token bucket: SERVICE=RPS (burst = RPS/5), e.g. iam=50", AllowMultipleArgumentsPerToken = true };
        var serve = new Command("serve", "Serve the emulated AWS estate until interrupted; prints its URL and the demo credentials");
        foreach (var option in new Option[] { port, file, generate, latency, throttle })
        {
            serve.Options.Add(option);
        }

        serve.SetAction(async (result, ct) =>
        {
            EstateDefinition estate;
            try
            {
                estate = result.GetValue(generate) is { } g ? Generated(g)
                    : result.GetValue(file) is { } f ? EstateDefinition.LoadFile(f)
                    : EstateDefinition.Demo();
            }
            catch (Exception e) when (e is IOException or FormatException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
            {
                throw new UserError($"--estate: {e.Message}");
            }

            var switches = new EstateSwitches { Latency = TimeSpan.FromMilliseconds(result.GetValue(latency)) };
            foreach (var spec in result.GetValue(throttle) ?? [])
            {
                var parts = spec.Split('=', 2);
                if (parts.Length != 2 || !int.TryParse(parts[1], out var rps) || rps < 1)
                {
                    throw new UserError($"--throttle: '{spec}' is not SERVICE=RPS");
                }

                switches.SetThrottle(parts[0], rps, Math.Max(1, rps / 5));
            }

            await using var server = await EstateServer.StartAsync(estate, switches, result.GetValue(port), ct).ConfigureAwait(false);
            Output.Line($"endpoint {server.BaseUrl}");
            Output.Line($"AWS_ACCESS_KEY_ID={DemoCredentials.AccessKeyId} AWS_SECRET_ACCESS_KEY={DemoCredentials.SecretAccessKey} (fixed dummy demo credentials)");
            Output.Line($"management account {estate.ManagementAccountId}; {estate.Accounts.Count} accounts");
            try
            {
                await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Interrupted: stop serving.
            }

            return ExitCodes.Ok;
        });
        var command = new Command("estate", "The emulated AWS estate used by tests and the demo");
        command.Subcommands.Add(serve);
        return command;
    }

    private static EstateDefinition Generated(string spec)
    {
        var parts = spec.Split('x');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, out var n) && n > 0))
        {
            throw new UserError($"--generate: '{spec}' is not ACCOUNTSxREGIONSxRESOURCES (e.g. 5x4x1000)");
        }

        return EstateDefinition.Generate(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
