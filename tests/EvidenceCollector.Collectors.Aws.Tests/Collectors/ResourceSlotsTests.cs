using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvidenceCollector.Collectors.Aws.Tests.Collectors;

/// <summary>Resources in flight are bounded across collectors (Aws:ResourcesInFlight), not only per collector.</summary>
public sealed class ResourceSlotsTests
{
    [Fact]
    public async Task ForEachAsync_TwoCollectorsAtOnce_NeverMoreResourcesInFlightThanTheSharedSlots()
    {
        var options = AwsHarness.FastOptions();
        options.ResourceConcurrency = 8;
        options.ResourcesInFlight = 3;
        var harness = new AwsHarness(new AwsEndpoints(), new AwsOverride(new Amazon.Runtime.AnonymousAWSCredentials(), new Uri("http://127.0.0.1:9/")), options);
        var probe = new Probe();
        var a = new SlotCollector(harness.Clients, probe);
        var b = new SlotCollector(harness.Clients, probe);

        // Items hold their slot until the gate opens: once three have entered, every slot is taken (a fourth
        // would raise Max); then the gate opens and the rest go through, never more than three at once.
        var runs = Task.WhenAll(a.RunAsync(20), b.RunAsync(20));
        for (var i = 0; i < 3; i++)
        {
            await probe.Entered.Reader.ReadAsync();
        }

        Assert.Equal(0, harness.Clients.ResourceSlots.Available);
        probe.Gate.Release(40);
        await runs;

        Assert.Equal(40, probe.Done);
        Assert.Equal(3, probe.Max);
        Assert.Equal(3, harness.Clients.ResourceSlots.Available);
    }

    [Fact]
    public async Task ForEachAsync_ItemFails_ItsSlotIsGivenBack()
    {
        var options = AwsHarness.FastOptions();
        options.ResourcesInFlight = 2;
        var harness = new AwsHarness(new AwsEndpoints(), new AwsOverride(new Amazon.Runtime.AnonymousAWSCredentials(), new Uri("http://127.0.0.1:9/")), options);
        var probe = new Probe { FailEvery = 3 };
        probe.Gate.Release(9);
        var collector = new SlotCollector(harness.Clients, probe);

        await Assert.ThrowsAsync<InvalidOperationException>(() => collector.RunAsync(9));

        Assert.Equal(2, harness.Clients.ResourceSlots.Available);
    }

    private sealed class Probe
    {
        private int _inFlight;

        public int Max;
        public int Done;
        public int FailEvery;

        /// <summary>Work items wait here, holding their slot, until the test releases them.</summary>
        public SemaphoreSlim Gate { get; } = new(0);

        /// <summary>Every item that got a slot, as it starts.</summary>
        public System.Threading.Channels.Channel<int> Entered { get; } = System.Threading.Channels.Channel.CreateUnbounded<int>();

        public async Task WorkAsync(int item)
        {
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref Max)) && Interlocked.CompareExchange(ref Max, now, seen) != seen)
            {
            }

            try
            {
                Entered.Writer.TryWrite(item);
                await Gate.WaitAsync();
                if (FailEvery > 0 && item % FailEvery == FailEvery - 1)
                {
                    throw new InvalidOperationException("item failed");
                }

                Interlocked.Increment(ref Done);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private sealed class SlotCollector(AwsClients clients, Probe probe) : AwsCollectorBase(clients, NullLogger.Instance)
    {
        public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.test-slots", "test", false, ["aws.test.slot"]);

        public Task RunAsync(int items) =>
            ForEachAsync(Enumerable.Range(0, items), new CollectionResult(), (item, _, _) => probe.WorkAsync(item), CancellationToken.None);

        protected override Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
