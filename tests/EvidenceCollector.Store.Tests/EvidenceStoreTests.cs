using System.Text.Json.Nodes;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Store.Tests;

public sealed class EvidenceStoreTests : IDisposable
{
    private readonly StoreTestKit _kit = new();

    [Fact]
    public void AddEvidence_IdenticalPayloadAcrossRuns_StoredOnce()
    {
        using var store = _kit.Open();
        _kit.SealRun(store, resources: 3);
        _kit.SealRun(store, resources: 3);
        Assert.Equal(3, _kit.ObjectRows().Count);
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void ObjectStore_GroupCommit_NoLocationIndexedBeforeTheBatchIsDurableAndEveryPayloadAfterFlush()
    {
        using var store = _kit.Open();
        var objects = store.Objects;
        var payloads = Enumerable.Range(0, 300).Select(i => System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")).ToList();
        var hashes = payloads.Select(p => EvidenceCollector.Canonical.Jcs.Sha256Hex(p)).ToList();

        // 300 new payloads: the first batch of 256 is synced and indexed as it fills; the rest waits for Flush.
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.True(objects.Put(hashes[i], payloads[i]));
        }

        Assert.False(objects.Put(hashes[299], payloads[299]), "a payload pending in the batch is stored once");
        Assert.Equal(hashes.Take(256).Order(StringComparer.Ordinal), _kit.ObjectRows().Select(r => r.Hash).Order(StringComparer.Ordinal));
        Assert.Equal(payloads[299], objects.Read(hashes[299]));

        objects.Flush();

        Assert.Equal(300, _kit.ObjectRows().Count);
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.Equal(payloads[i], objects.Read(hashes[i]));
        }

        Assert.False(objects.Put(hashes[0], payloads[0]));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_kit.Data, "objects", "packs")));
    }

    [Fact]
    public void Pack_RecordsAreSelfDescribing_HeaderHashIsSha256OfTheCanonicalBytes()
    {
        using (var store = _kit.Open())
        {
            _kit.SealRun(store, resources: 1);
        }

        var row = Assert.Single(_kit.ObjectRows());
        var pack = File.ReadAllBytes(_kit.PackFile(row.Pack));
        var text = System.Text.Encoding.UTF8.GetString(pack);
        const string payload = "{\"Encrypted\":true,\"Name\":\"w0\",\"Size\":1024}";
        Assert.Equal($"EVP1 {row.Hash} {payload.Length}\n{payload}\n", text);
        Assert.Equal(row.Hash, EvidenceCollector.Canonical.Jcs.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(payload)));
        Assert.Equal(text.IndexOf('{', StringComparison.Ordinal), row.Offset);
        Assert.Equal(payload.Length, row.Length);
    }

    [Fact]
    public void Pack_LargeAndSmallRecordsInterleaved_SameLayoutReadBackAndVerified()
    {
        // Records over 64 kB are written in parts (header, payload, line feed) rather than through one pooled
        // copy: the layout must be the same, and verify must read them like any other.
        using (var store = _kit.Open())
        {
            var objects = store.Objects;
            var payloads = new[] { 10, 70_000, 20, 300_000, 65_000 }
                .Select(n => System.Text.Encoding.UTF8.GetBytes("\"" + new string('x', n) + "\""))
                .ToList();
            var hashes = payloads.Select(p => EvidenceCollector.Canonical.Jcs.Sha256Hex(p)).ToList();
            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.True(objects.Put(hashes[i], payloads[i]));
            }

            objects.Flush();
            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.Equal(payloads[i], objects.Read(hashes[i]));
            }

            var rows = _kit.ObjectRows().OrderBy(r => r.Offset).ToList();
            var pack = File.ReadAllBytes(_kit.PackFile(rows[0].Pack));
            var expected = new List<byte>();
            foreach (var (bytes, hash) in payloads.Zip(hashes))
            {
                expected.AddRange(System.Text.Encoding.ASCII.GetBytes($"EVP1 {hash} {bytes.Length}\n"));
                expected.AddRange(bytes);
                expected.Add((byte)'\n');
            }

            Assert.Equal(expected.ToArray(), pack);
        }

        Assert.True(_kit.Verify().Ok);
        var large = _kit.ObjectRows().Single(r => r.Length == 300_002);
        StoreTestKit.FlipByte(_kit.PackFile(large.Pack), large.Offset + 150_000);
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains(large.Hash, report.Problem);
    }

    [Fact]
    public void Reopened_StoreAppendsToANewPack_AndStillDeduplicates()
    {
        using (var store = _kit.Open())
        {
            _kit.SealRun(store, resources: 2);
        }

        using (var store = _kit.Open())
        {
            _kit.SealRun(store, resources: 2);
            _kit.SealRun(store, resources: 3, salt: "b");
        }

        var rows = _kit.ObjectRows();
        Assert.Equal(5, rows.Count);
        Assert.Equal(2, rows.Select(r => r.Pack).Distinct().Count());
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void Readers_RunningRun_SeeNothingUntilSealed()
    {
        using var store = _kit.Open();
        var first = _kit.SealRun(store);
        using var writer = store.BeginRun(new RunStart(RunTrigger.OnDemand, "tester", new RunScope { Accounts = ["222222222222"] }, "t", "c"));
        writer.AddEvidence(new JsonObject { ["x"] = 1 }, h => new Envelope(writer.RunId, Provider.Aws, "2", "r", "r", "k", "id", h, "s", ["Op"], null, null, DateTimeOffset.UnixEpoch, "t"));
        Assert.Equal(first.RunId, store.LatestSealedRun()!.Id);
        Assert.Empty(store.Findings(writer.RunId));
        Assert.Equal(RunStatus.Running, store.Run(writer.RunId)!.Status);
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void BeginRun_OverlappingScopeInProgress_RefusedNamingTheRun()
    {
        using var store = _kit.Open();
        using var running = store.BeginRun(new RunStart(RunTrigger.Scheduled, "schedule:nightly", new RunScope { Accounts = ["111111111111"] }, "t", "c"));
        var e = Assert.Throws<RunRefusedException>(() => store.BeginRun(new RunStart(RunTrigger.OnDemand, "alice", RunScope.All, "t", "c")));
        Assert.Equal(running.RunId, e.RunningRunId);
        Assert.Contains($"run {running.RunId}", e.Message);
        using var disjoint = store.BeginRun(new RunStart(RunTrigger.OnDemand, "bob", new RunScope { Accounts = ["222222222222"] }, "t", "c"));
        Assert.NotEqual(running.RunId, disjoint.RunId);
    }

    [Fact]
    public void RecoverAbandonedRuns_RunWhoseLockIsFree_MarkedAbortedWithReason()
    {
        string abandoned;
        using (var store = _kit.Open())
        {
            var writer = store.BeginRun(new RunStart(RunTrigger.OnDemand, "tester", RunScope.All, "t", "c"));
            abandoned = writer.RunId;
            // Simulate the process dying: its lock goes away, the row stays "running".
            var lockField = typeof(RunWriter).GetField("_lock", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
            ((FileLock)lockField.GetValue(writer)!).Dispose();
        }

        using (var store = _kit.Open())
        {
            var recovered = store.RecoverAbandonedRuns("next writer");
            Assert.Equal(abandoned, Assert.Single(recovered).Id);
            var run = store.Run(abandoned)!;
            Assert.Equal(RunStatus.Aborted, run.Status);
            Assert.Contains("exited before sealing", run.Reason);
            _kit.SealRun(store);
        }

        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void LooseObjects_OfAStoreWrittenBeforePacks_AreVerifiedReadAndDeduplicated()
    {
        using (var store = _kit.Open())
        {
            _kit.SealRun(store, resources: 2);
        }

        // Turn the store into what the loose layout wrote: objects/ab/cdef…, no objects table.
        var rows = _kit.ObjectRows();
        foreach (var row in rows)
        {
            var bytes = _kit.PackPayload(row);
            Directory.CreateDirectory(Path.Combine(_kit.Data, "objects", row.Hash[..2]));
            File.WriteAllBytes(Path.Combine(_kit.Data, "objects", row.Hash[..2], row.Hash[2..]), bytes);
        }

        _kit.Sql("DROP TABLE objects");
        Directory.Delete(Path.Combine(_kit.Data, "objects", "packs"), recursive: true);
        Assert.True(_kit.Verify().Ok);

        using (var store = _kit.Open())
        {
            var w0 = System.Text.Encoding.UTF8.GetBytes("{\"Encrypted\":true,\"Name\":\"w0\",\"Size\":1024}");
            Assert.Equal(w0, store.Objects.Read(EvidenceCollector.Canonical.Jcs.Sha256Hex(w0)));
            _kit.SealRun(store, resources: 3);
        }

        // Only the payload the loose files did not hold is new, and it went to a pack.
        var added = Assert.Single(_kit.ObjectRows());
        Assert.Equal("w2", System.Text.Json.JsonDocument.Parse(_kit.PackPayload(added)).RootElement.GetProperty("Name").GetString());
        Assert.True(_kit.Verify().Ok);

        var loose = Path.Combine(_kit.Data, "objects", rows[0].Hash[..2], rows[0].Hash[2..]);
        StoreTestKit.FlipByte(loose, new FileInfo(loose).Length / 2);
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains($"objects{Path.DirectorySeparatorChar}{rows[0].Hash[..2]}{Path.DirectorySeparatorChar}{rows[0].Hash[2..]}: expected sha256 {rows[0].Hash}", report.Problem);
    }

    [Fact]
    public void Verify_UnindexedPackTailAndRunningRun_StillPasses()
    {
        using var store = _kit.Open();
        _kit.SealRun(store);
        // A crash in the middle of an append leaves bytes past the last indexed record: nothing reads them.
        File.AppendAllText(_kit.PackFile(_kit.ObjectRows()[0].Pack), "EVP1 deadbeef half-writ");
        using var writer = store.BeginRun(new RunStart(RunTrigger.OnDemand, "tester", RunScope.All, "t", "c"));
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void GeneratedKey_IsPrivateToOwner()
    {
        using var store = _kit.Open();
        _kit.SealRun(store);
        Assert.True(OperatingSystem.IsLinux(), "the key file mode is a Unix guarantee; this suite runs on Linux");
        if (OperatingSystem.IsLinux())
        {
            var mode = File.GetUnixFileMode(Path.Combine(_kit.Data, "keys", SignerFactory.GeneratedKeyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public void KeyRotation_SignedByPreviousKey_OldAndNewRunsVerify()
    {
        using var store = _kit.Open();
        _kit.SealRun(store, salt: "a");
        var newKey = Path.Combine(_kit.Root, "new.pem");
        using (var k = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(newKey, k.ExportPkcs8PrivateKeyPem());
        }

        var sealedWithNew = _kit.SealRun(store, salt: "b", signing: new SigningOptions { KeyPath = newKey });
        var report = _kit.Verify();
        Assert.True(report.Ok, report.Problem);
        Assert.Equal(2, report.Keys);
        Assert.NotEqual(report.RootKeyId, sealedWithNew.KeyId);
    }

    [Fact]
    public void Seal_KeyNotAdmittedByPreviousKey_Refused()
    {
        using var store = _kit.Open();
        _kit.SealRun(store, salt: "a");
        File.Delete(Path.Combine(_kit.Data, "keys", SignerFactory.GeneratedKeyFile));
        var e = Assert.Throws<SigningException>(() => _kit.SealRun(store, salt: "b"));
        Assert.Contains("is not in this store's key chain", e.Message);
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void OpenReadOnly_FolderThatIsNotAStore_Refused()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_kit.Root, "not-a-store")).FullName;
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "hello");
        Assert.Throws<NotAStoreException>(() => EvidenceStore.OpenReadOnly(folder));
        Assert.Throws<NotAStoreException>(() => EvidenceStore.OpenOrCreate(folder));
    }

    public void Dispose() => _kit.Dispose();
}
