using EvidenceCollector.Pipeline;

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
}
