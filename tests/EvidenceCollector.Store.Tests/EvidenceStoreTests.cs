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
        Assert.Equal(3, _kit.ObjectFiles().Count());
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void ObjectStore_GroupCommit_NoFinalNameBeforeTheBatchIsDurableAndEveryPayloadAfterFlush()
    {
        var root = Path.Combine(Directory.CreateTempSubdirectory("ec-objects-").FullName, "objects");
        try
        {
            var objects = new ObjectStore(root);
            objects.EnsureCreated();
            var payloads = Enumerable.Range(0, 300).Select(i => System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")).ToList();
            var hashes = payloads.Select(p => EvidenceCollector.Canonical.Jcs.Sha256Hex(p)).ToList();

            // 300 new payloads: the first batch of 256 is synced and renamed as it fills; the rest waits for Flush.
            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.True(objects.Put(hashes[i], payloads[i]));
            }

            Assert.False(objects.Put(hashes[299], payloads[299]), "a payload pending in the batch is stored once");
            Assert.All(hashes.Take(256), h => Assert.True(objects.Exists(h)));
            Assert.All(hashes.Skip(256), h => Assert.False(objects.Exists(h), "a final name only after the batch is durable"));

            objects.Flush();

            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.Equal(payloads[i], objects.Read(hashes[i]));
            }

            Assert.False(objects.Put(hashes[0], payloads[0]));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "tmp")));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(root)!, recursive: true);
        }
    }

    [Fact]
    public void ObjectFile_NameIsSha256OfItsCanonicalBytes()
    {
        using var store = _kit.Open();
        _kit.SealRun(store, resources: 1);
        var file = _kit.ObjectFiles().Single();
        var name = Path.GetFileName(Path.GetDirectoryName(file)) + Path.GetFileName(file);
        Assert.Equal(name, EvidenceCollector.Canonical.Jcs.Sha256Hex(File.ReadAllBytes(file)));
        Assert.Equal("{\"Encrypted\":true,\"Name\":\"w0\",\"Size\":1024}", File.ReadAllText(file));
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
    public void Verify_TemporaryFilesAndRunningRun_StillPasses()
    {
        using var store = _kit.Open();
        _kit.SealRun(store);
        File.WriteAllText(Path.Combine(_kit.Data, "objects", "tmp", "deadbeef.tmp"), "half-written");
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
