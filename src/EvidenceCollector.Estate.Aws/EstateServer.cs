namespace EvidenceCollector.Estate.Aws;

/// <summary>
/// An in-process emulated AWS: the <see cref="EstateHost"/> serving every service of an
/// <see cref="EstateDefinition"/> in the real AWS wire formats, SigV4-authenticated, on one loopback endpoint
/// over HTTP (<see cref="BaseUrl"/>) and HTTPS (<see cref="HttpsBaseUrl"/>).
/// </summary>
public sealed class EstateServer : IAsyncDisposable
{
    private readonly EstateHost _host;

    private EstateServer(EstateHost host, EstateDefinition estate)
    {
        _host = host;
        Estate = estate;
    }

    /// <summary>The plain HTTP endpoint of every service, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl => _host.HttpBaseUrl;

    /// <summary>The same services over HTTPS, with the host's generated certificate.</summary>
    public Uri HttpsBaseUrl => _host.HttpsBaseUrl;

    public EstateHost Host => _host;

    public EstateSwitches Switches => _host.Switches;

    public EstateStats Stats => _host.Stats;

    public EstateDefinition Estate { get; }

    /// <summary>Starts the server on 127.0.0.1 (port 0 = a free port).</summary>
    public static Task<EstateServer> StartAsync(EstateDefinition estate, EstateSwitches? switches = null, int port = 0, CancellationToken ct = default)
        => StartAsync(estate, switches, port, TimeProvider.System, ct);

    internal static async Task<EstateServer> StartAsync(EstateDefinition estate, EstateSwitches? switches, int port, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(estate);
        estate.Validate();
        var host = await EstateHost.StartAsync(
            context => new EstateDispatcher(new EstateState(estate), context.Switches, context.Stats, context.Time, context.Stopping).HandleAsync,
            switches,
            port,
            time,
            ct).ConfigureAwait(false);
        return new EstateServer(host, estate);
    }

    /// <summary>Completes when the server stops (after <see cref="StopAsync"/>) or <paramref name="ct"/> is cancelled.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _host.WaitForShutdownAsync(ct);

    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
