using System.Collections.Concurrent;
using System.Text;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.TestHost;
using static EvidenceCollector.Pipeline.Tests.Stages.StageFixtures;

namespace EvidenceCollector.Pipeline.Tests.Stages;

public sealed class EvidenceWriterTests
{
    [Fact]
    public async Task Write_StoresEveryRecordRedactedAndCanonical_AndSignalsWhenAnAccountsKindsAreStored()
    {
        var stored = new ConcurrentBag<PendingEvidence>();
        await using var writer = new EvidenceWriter(stored.Add, workers: 2);

        for (var i = 0; i < 100; i++)
        {
            await writer.WriteAsync(Region("eu-west-1"), Widget("eu-west-1", $"w{i:D3}"), CancellationToken.None);
        }

        await writer.WhenStoredAsync(Provider.Aws, Account, [WidgetCollector.Kind], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(100, stored.Count);
        Assert.Equal(stored.Sum(s => (long)s.Canonical.Length), writer.StoredBytes(Provider.Aws, Account, [WidgetCollector.Kind]));
        Assert.Equal(0, writer.StoredBytes(Provider.Aws, "222222222222", [WidgetCollector.Kind]));
        var one = Encoding.UTF8.GetString(stored.First(s => s.Record.ResourceId.EndsWith("w000", StringComparison.Ordinal)).Canonical);
        Assert.StartsWith("{\"Encrypted\":true,\"Name\":\"w000\"", one, StringComparison.Ordinal);
        await writer.CompleteAsync();
    }

    [Fact]
    public async Task WaitForRoom_HoldsCollectorsWhileTooManyBytesWait_AndReleasesThemAsTheStoreCatchesUp()
    {
        using var gate = new ManualResetEventSlim(false);
        var stored = 0;
        await using var writer = new EvidenceWriter(_ => { gate.Wait(TimeSpan.FromSeconds(30)); Interlocked.Increment(ref stored); }, workers: 1);

        // Large records: the byte bound is reached long before the count bound.
        var record = Widget("eu-west-1", "w", 64 * 1024);
        var size = PendingEvidence.Of(Region("eu-west-1"), record).Canonical.Length;
        Assert.True(size > 64 * 1024, $"canonical record is {size} bytes");
        var count = (int)(EvidenceWriter.ByteCapacity / size) + 8;
        Assert.True(count < EvidenceWriter.Capacity);
        Task room, stillWaiting;
        try
        {
            for (var i = 0; i < count; i++)
            {
                writer.Write(Region("eu-west-1"), Widget("eu-west-1", $"w{i}", 64 * 1024));
            }

            room = writer.WaitForRoomAsync(CancellationToken.None).AsTask();
            stillWaiting = writer.WhenStoredAsync(Provider.Aws, Account, [WidgetCollector.Kind], CancellationToken.None);
            await Task.Delay(200);
            Assert.False(room.IsCompleted, "a collector must wait while more than ByteCapacity bytes wait to be stored");
            Assert.False(stillWaiting.IsCompleted);
        }
        finally
        {
            gate.Set();
        }

        await room.WaitAsync(TimeSpan.FromSeconds(10));
        await stillWaiting.WaitAsync(TimeSpan.FromSeconds(10));
        await writer.CompleteAsync();
        Assert.Equal(count, stored);
    }

    [Fact]
    public async Task AStoreThatCannotWrite_FailsWaitersAndCompletion_WithItsError()
    {
        await using var writer = new EvidenceWriter(_ => throw new IOException("disk full"), workers: 1);
        writer.Write(Region("eu-west-1"), Widget("eu-west-1", "a"));

        var waiting = writer.WhenStoredAsync(Provider.Aws, Account, [WidgetCollector.Kind], CancellationToken.None);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("disk full", failure.ToString(), StringComparison.Ordinal);
        var completion = await Assert.ThrowsAnyAsync<Exception>(writer.CompleteAsync);
        Assert.Contains("disk full", completion.ToString(), StringComparison.Ordinal);
    }
}
