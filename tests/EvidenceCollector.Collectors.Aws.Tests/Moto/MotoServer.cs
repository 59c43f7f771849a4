using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EvidenceCollector.Collectors.Aws.Tests.Moto;

/// <summary>
/// Starts <c>moto_server</c> on a free loopback port (with AWS-managed IAM policies loaded) for the test class,
/// and resets it between tests. A missing moto is a failure, never a skip.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:1/");

    public string? StartError { get; private set; }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var info = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true";
        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("moto_server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            StartError = "moto_server is not installed or not on PATH (pip install 'moto[server]'): " + e.Message;
            return;
        }

        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(object sender, DataReceivedEventArgs e)
        {
            if (e.Data?.Contains("Running on", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        }

        _process.ErrorDataReceived += Watch;
        _process.OutputDataReceived += Watch;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("moto_server exited before it was ready"));
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            StartError = "moto_server did not become ready: " + e.Message;
        }
    }

    public async Task ResetAsync()
    {
        Assert.True(StartError is null, StartError);
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(BaseUrl, "moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
