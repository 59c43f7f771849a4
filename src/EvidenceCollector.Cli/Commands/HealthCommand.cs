using System.CommandLine;
using EvidenceCollector.Cli.Infrastructure;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvidenceCollector.Cli.Commands;

/// <summary>`evidence health`: exit 0 when the store opens and the scheduler's heartbeat is fresh (the container HEALTHCHECK).</summary>
public static class HealthCommand
{
    public static Command Build()
    {
        var command = new Command("health", "Exit 0 when the store opens and the worker's scheduler heartbeat is fresh; 1 otherwise");
        command.SetAction(result =>
        {
            using var app = App.Create(EvidenceCli.Globals(result));
            var hosting = app.Configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
            using var store = app.OpenReadModel();
            var last = store.LastBeat(HeartbeatService.Name);
            var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (last is null)
            {
                Output.Line("unhealthy: the scheduler has never reported a heartbeat (is `evidence run` running on this store?)");
                return ExitCodes.Failed;
            }

            var age = now - last.Value;
            if (age > hosting.HeartbeatMaxAge)
            {
                Output.Line($"unhealthy: last scheduler heartbeat {last.Value.ToWire()} is {age.TotalSeconds:F0}s old (Host:HeartbeatMaxAge {hosting.HeartbeatMaxAge})");
                return ExitCodes.Failed;
            }

            Output.Line($"healthy: store {store.Location}, scheduler heartbeat {last.Value.ToWire()} ({age.TotalSeconds:F0}s ago)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
