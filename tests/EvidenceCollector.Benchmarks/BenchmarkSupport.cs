using System.Diagnostics;
using EvidenceCollector.Mapping;

namespace EvidenceCollector.Benchmarks;

/// <summary>What every benchmark shares: the repository's mappings, child processes of this benchmark, and the process's RSS.</summary>
internal static class BenchmarkSupport
{
    /// <summary>The repository's <c>mappings/</c> folder, found above the benchmark's output.</summary>
    public static string Mappings()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "mappings", "iso27001-2022", "annex-a.csv")))
            {
                return Path.Combine(dir.FullName, "mappings");
            }
        }

        throw new InvalidOperationException("mappings/ not found");
    }

    /// <summary>The mapping tables, validated against every provider's checks as the executable does (the rows name them all).</summary>
    public static MappingTable Mapping() =>
        MappingTable.Load(Mappings(), EvidenceCollector.Cli.Infrastructure.ProviderModules.All.SelectMany(m => EvidenceCollector.Providers.CheckDiscovery.Discover(m.CheckAssembly, m.Provider)).Select(c => c.Metadata));

    /// <summary>This benchmark again, as a child process in another mode, its stdout redirected.</summary>
    public static ProcessStartInfo Start(string self, string dll, params string[] args)
    {
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(dll);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    public static string Status(string key) => File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

    public static double RssMiB() => double.Parse(Status("VmRSS"), System.Globalization.CultureInfo.InvariantCulture) / 1024.0;

    public static double PeakRssMiB() => double.Parse(Status("VmHWM"), System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
}
