using System.Runtime.InteropServices;

namespace EvidenceCollector.Cli.Hosting;

/// <summary>
/// The collector's native heap on Linux. glibc's malloc gives each thread that allocates its own arena, up to
/// eight per core, and an arena keeps the memory freed into it. A collection allocates natively on every
/// thread-pool thread (SQLite, the runtime's exception dispatch for the SDK's error answers, the JIT), so the
/// arenas together held 20–25 MiB more at 100 k resources than at 1 k, freed but not given back. Two arenas
/// are enough on the few cores a collector gets and keep that growth out (the <c>aws-rss</c> benchmark:
/// ~12 MiB less at its peak). An operator who sets <c>MALLOC_ARENA_MAX</c> keeps their setting. While a run
/// goes, the host also has glibc give back what it holds freed (<see cref="TrimEvery"/>, through <see cref="NativeHeapTrimHook"/>).
/// Process-level tuning belongs to the executable's host, not to the pipeline library.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>The arenas a collector process allows.</summary>
    public const int Arenas = 2;

    // glibc's malloc.h: M_ARENA_MAX.
    private const int MArenaMax = -8;

    /// <summary>
    /// Caps glibc's malloc arenas at <see cref="Arenas"/>. Call it first thing in <c>Main</c>: arenas already
    /// created stay. True when the cap was set; false elsewhere than on glibc, or when <c>MALLOC_ARENA_MAX</c>
    /// is set (glibc read it at start).
    /// </summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 })
        {
            return false;
        }

        try
        {
            // mallopt answers 1 on success; musl's is a stub that answers 0.
            return MallOpt(MArenaMax, Arenas) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static int _trims;

    /// <summary>Calls to <c>malloc_trim</c> so far in this process (see <see cref="Trim"/>).</summary>
    public static int Trims => Volatile.Read(ref _trims);

    /// <summary>
    /// Gives what glibc's malloc holds freed back to the system: <c>malloc_trim(0)</c> returns the free pages
    /// inside every arena, not only at its top. The JIT's optimising compiles of large methods take 10–25 MiB
    /// each for a moment, early in a run, and the arenas otherwise keep it (the <c>aws-rss</c> benchmark: ~14 MiB
    /// free in them for the rest of a 100 k run). True when <c>malloc_trim</c> was called; false elsewhere.
    /// </summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux() || _noTrim)
        {
            return false;
        }

        try
        {
            MallocTrim(0);
            Interlocked.Increment(ref _trims);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl (Alpine) has no malloc_trim: ask once, not every tick.
            _noTrim = true;
            return false;
        }
    }

    private static volatile bool _noTrim;

    /// <summary>
    /// <see cref="Trim"/> every <paramref name="interval"/> until the timer is disposed; null (nothing to do)
    /// off Linux. A trim holds the arenas' locks while it runs.
    /// </summary>
    public static ITimer? TrimEvery(TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return OperatingSystem.IsLinux() ? time.CreateTimer(static _ => Trim(), null, interval, interval) : null;
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}

/// <summary>
/// The host's run hook that trims glibc's heap once per <c>Pipeline:NativeHeapTrimInterval</c> while a run goes
/// (registered by the composition root when the interval is not zero).
/// </summary>
public sealed class NativeHeapTrimHook(TimeSpan interval, TimeProvider time) : EvidenceCollector.Pipeline.IRunHook
{
    /// <summary>A trim timer for the run; none when the interval is zero (trimming off).</summary>
    public IDisposable? RunStarting(string runId) => interval > TimeSpan.Zero ? NativeHeap.TrimEvery(interval, time) : null;

    /// <summary>Registers the hook with the interval of the validated <see cref="EvidenceCollector.Pipeline.PipelineOptions"/>.</summary>
    public static void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<EvidenceCollector.Pipeline.IRunHook>(services, sp => new NativeHeapTrimHook(
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<EvidenceCollector.Pipeline.PipelineOptions>>(sp).Value.NativeHeapTrimInterval,
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<TimeProvider>(sp)));
}
