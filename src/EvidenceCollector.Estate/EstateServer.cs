using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Estate;

/// <summary>
/// An in-process emulated AWS: one loopback HTTP endpoint serving every service of an
/// <see cref="EstateDefinition"/> in the real AWS wire formats, SigV4-authenticated.
/// </summary>
public sealed class EstateServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private int _stopped;

    private EstateServer(WebApplication app, CancellationTokenSource stopping, EstateSwitches switches, EstateStats stats, Uri baseUrl, EstateDefinition estate)
    {
        _app = app;
        _stopping = stopping;
        Switches = switches;
        Stats = stats;
        BaseUrl = baseUrl;
        Estate = estate;
    }

    /// <summary>The one endpoint of every service, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }
    public EstateSwitches Switches { get; }
    public EstateStats Stats { get; }
    public EstateDefinition Estate { get; }

    /// <summary>Starts the server on 127.0.0.1 (port 0 = a free port).</summary>
    public static Task<EstateServer> StartAsync(EstateDefinition estate, EstateSwitches? switches = null, int port = 0, CancellationToken ct = default)
        => StartAsync(estate, switches, port, TimeProvider.System, ct);

    internal static async Task<EstateServer> StartAsync(EstateDefinition estate, EstateSwitches? switches, int port, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(estate);
        estate.Validate();
        switches ??= new EstateSwitches(time);
        var stats = new EstateStats();
        var stopping = new CancellationTokenSource();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var dispatcher = new EstateDispatcher(new EstateState(estate), switches, stats, time, stopping.Token);
        app.Run(dispatcher.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        var bound = new Uri(address);
        return new EstateServer(app, stopping, switches, stats, new Uri($"http://127.0.0.1:{bound.Port}/"), estate);
    }

    /// <summary>Completes when the server stops (after <see cref="StopAsync"/>) or <paramref name="ct"/> is cancelled.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
