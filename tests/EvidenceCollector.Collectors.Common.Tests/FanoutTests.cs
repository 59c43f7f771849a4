using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Common;

namespace EvidenceCollector.Collectors.Common.Tests;

public sealed class FanoutTests
{
    [Fact]
    public async Task ForEachAsync_BoundedByConcurrencyAndSlots_MergesInInputOrder()
    {
        using var slots = new ResourceSlots(2);
        var result = new CollectionResult();
        var running = 0;
        var peak = 0;

        await Fanout.ForEachAsync(Enumerable.Range(0, 20), result, concurrency: 8, slots, async (i, part, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(5 * (20 - i), token);
            part.Errors.Add(new CollectionError(["k"], "r", $"id-{i}", "Code", "m", null));
            Interlocked.Decrement(ref running);
        }, CancellationToken.None);

        Assert.Equal(2, peak);
        Assert.Equal(2, slots.Available);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"id-{i}"), result.Errors.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task SectionAsync_ProviderFailure_IsAnErrorSectionOthersPropagate()
    {
        var section = await Fanout.SectionAsync<TimeoutException>(() => throw new TimeoutException("slow"), e => ("RequestTimeout", e.Message));

        Assert.Equal("RequestTimeout", section["error"]!["code"]!.GetValue<string>());
        Assert.Equal("slow", section["error"]!["message"]!.GetValue<string>());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Fanout.SectionAsync<TimeoutException>(() => throw new InvalidOperationException(), e => ("x", "y")));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                break;
            }
        }
    }
}
