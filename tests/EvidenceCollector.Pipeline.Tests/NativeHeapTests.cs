using System.Runtime.InteropServices;
using EvidenceCollector.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceCollector.Pipeline.Tests;

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

        // Other tests may trim at the same time, so the count is a lower bound.
        Assert.True(during - before >= 3, $"{during - before} trims in three ticks");
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeap.TrimEvery(TimeSpan.Zero, time));
    }

    private static long RssKiB() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
