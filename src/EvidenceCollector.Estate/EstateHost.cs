using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Estate;

/// <summary>What a provider's service set gets from the host it runs in.</summary>
public sealed record EstateHostContext(EstateSwitches Switches, EstateStats Stats, TimeProvider Time, CancellationToken Stopping);

/// <summary>
/// The emulator host, provider-neutral: Kestrel on 127.0.0.1 over plain HTTP and over HTTPS with a self-signed
/// certificate generated at start (Azure.Core refuses bearer tokens over plain http), the switches (latency,
/// page size, throttles, injected failures), the stats, and one provider's service set answering every request.
/// A client trusts exactly this certificate through <see cref="TrustingHandler"/>, or through the OS trust store
/// with the PEM of <see cref="CertificatePem"/> (e.g. <c>SSL_CERT_FILE</c>).
/// </summary>
public sealed class EstateHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private int _stopped;

    private EstateHost(WebApplication app, CancellationTokenSource stopping, EstateSwitches switches, EstateStats stats, Uri http, Uri https, X509Certificate2 certificate)
    {
        _app = app;
        _stopping = stopping;
        Switches = switches;
        Stats = stats;
        HttpBaseUrl = http;
        HttpsBaseUrl = https;
        Certificate = certificate;
    }

    /// <summary>The plain HTTP endpoint, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri HttpBaseUrl { get; }

    /// <summary>The HTTPS endpoint (same services), e.g. <c>https://127.0.0.1:41235/</c>.</summary>
    public Uri HttpsBaseUrl { get; }

    /// <summary>The certificate the HTTPS endpoint presents (generated at start, for 127.0.0.1 and localhost).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM, for an OS trust store.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public EstateSwitches Switches { get; }

    public EstateStats Stats { get; }

    /// <summary>Starts the host: <paramref name="services"/> builds the request handler of one provider's service set.</summary>
    public static async Task<EstateHost> StartAsync(Func<EstateHostContext, RequestDelegate> services, EstateSwitches? switches = null, int port = 0, TimeProvider? time = null, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        switches ??= new EstateSwitches(time);
        var stats = new EstateStats();
        var stopping = new CancellationTokenSource();
        var certificate = CreateCertificate(time);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Run(services(new EstateHostContext(switches, stats, time, stopping.Token)));
        await app.StartAsync(ct).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).ToList()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        var http = addresses.First(a => a.Scheme == Uri.UriSchemeHttp);
        var https = addresses.First(a => a.Scheme == Uri.UriSchemeHttps);
        return new EstateHost(app, stopping, switches, stats, new Uri($"http://127.0.0.1:{http.Port}/"), new Uri($"https://127.0.0.1:{https.Port}/"), certificate);
    }

    /// <summary>An HTTP handler that trusts exactly this host's certificate (and nothing else the OS would not).</summary>
    public SocketsHttpHandler TrustingHandler()
    {
        var thumbprint = Certificate.GetCertHashString(HashAlgorithmName.SHA256);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                    errors == SslPolicyErrors.None || (cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.OrdinalIgnoreCase)),
            },
        };
    }

    /// <summary>Completes when the host stops (after <see cref="StopAsync"/>) or <paramref name="ct"/> is cancelled.</summary>
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
        Certificate.Dispose();
    }

    /// <summary>A self-signed P-256 server certificate for 127.0.0.1 and localhost, valid for two days from now.</summary>
    private static X509Certificate2 CreateCertificate(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=EvidenceCollector emulated estate", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        // Round-tripped through PKCS#12 so the key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
