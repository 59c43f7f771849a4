using System.Runtime.InteropServices;
using EvidenceCollector.Model;
using EvidenceCollector.Cli.Hosting;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;
using EvidenceCollector.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceCollector.Cli.Tests;

/// <summary>
/// The host's native heap tuning. Trims are counted process-wide and RSS is the process's: these tests run alone,
/// with no other test of the assembly (whose runs trim too) alongside.
/// </summary>
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapSerial
{
}

[Collection(nameof(NativeHeapTests))]
public sealed class NativeHeapTests
{
    [Fact]
    public void LimitArenas_OnGlibcLinux_SetsTheCap()
    {
        // The CI machine and the container image are Debian (glibc): the cap must take there.
        Assert.True(OperatingSystem.IsLinux(), "these tests run on Linux");
        Assert.True(File.Exists("/lib/x86_64-linux-gnu/libc.so.6") || File.Exists("/lib/aarch64-linux-gnu/libc.so.6"), "glibc expected");

        Assert.True(NativeHeap.LimitArenas());
    }

    [Fact]
    public void LimitArenas_OperatorSetMallocArenaMax_KeepsTheirs()
    {
        var before = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX");
        Environment.SetEnvironmentVariable("MALLOC_ARENA_MAX", "4");
        try
        {
            Assert.False(NativeHeap.LimitArenas());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MALLOC_ARENA_MAX", before);
        }
    }

    [Fact]
    public void Trim_FreedMallocMemoryInsideTheArena_IsGivenBack()
    {
        // 64 MiB in 1 kB blocks, all freed but the last, which keeps glibc from trimming the arena's top on its own.
        const int Blocks = 64 * 1024;
        var blocks = new IntPtr[Blocks];
        var ones = Enumerable.Repeat((byte)1, 1024).ToArray();
        for (var i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(1024);
            Marshal.Copy(ones, 0, blocks[i], ones.Length);
        }

        for (var i = 0; i < Blocks - 1; i++)
        {
            Marshal.FreeHGlobal(blocks[i]);
        }

        try
        {
            var before = RssKiB();
            var trims = NativeHeap.Trims;

            Assert.True(NativeHeap.Trim());

            Assert.True(before - RssKiB() > 32 * 1024, $"RSS went from {before} kB to {RssKiB()} kB");
            Assert.True(NativeHeap.Trims > trims);
        }
        finally
        {
            Marshal.FreeHGlobal(blocks[^1]);
        }
    }

    [Fact]
    public void TrimEvery_TrimsOnEachTickUntilDisposed()
    {
        var time = new FakeTimeProvider();
        var timer = NativeHeap.TrimEvery(TimeSpan.FromSeconds(1), time);
        Assert.NotNull(timer);
        var before = NativeHeap.Trims;

        time.Advance(TimeSpan.FromSeconds(3));
        var during = NativeHeap.Trims;
        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(3, during - before);
        Assert.Equal(during, NativeHeap.Trims);
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeap.TrimEvery(TimeSpan.Zero, time));
    }

    [Theory]
    [InlineData("00:00:01", 3)]
    [InlineData("00:00:00", 0)]
    public async Task RunAsync_TrimsWhileTheRunGoes_UnlessTurnedOff(string interval, int expected)
    {
        var root = Directory.CreateTempSubdirectory("ec-trim-").FullName;
        try
        {
            TestMappings.Write(Path.Combine(root, "mappings"), TestMappings.RepositoryMappings());
            var collecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var behaviour = new WidgetBehaviour { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), OnCollect = () => collecting.TrySetResult() };
            behaviour.Widgets[("111111111111", "eu-west-1")] = new() { ["a"] = true };
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var settings = new Dictionary<string, string?> { ["Pipeline:NativeHeapTrimInterval"] = interval };
            using var services = TestPipeline.Build(behaviour, Path.Combine(root, "mappings"), regions: ["eu-west-1"], settings: settings, time: time, extra: NativeHeapTrimHook.Register);
            using var store = EvidenceStore.OpenOrCreate(Path.Combine(root, "data"));

            var run = services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "tester", RunScope.All), null, CancellationToken.None);
            await collecting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var before = NativeHeap.Trims;
            time.Advance(TimeSpan.FromSeconds(3));
            var during = NativeHeap.Trims - before;
            behaviour.Gate.SetResult();
            var outcome = await run.WaitAsync(TimeSpan.FromSeconds(30));
            var afterwards = NativeHeap.Trims;
            time.Advance(TimeSpan.FromSeconds(3));

            Assert.Equal(RunStatus.Sealed, outcome.Status);
            Assert.Equal(expected, during);
            Assert.Equal(afterwards, NativeHeap.Trims); // the run's timer is gone with the run
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static long RssKiB() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
