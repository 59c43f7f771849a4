using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Store;

namespace EvidenceCollector.Store.Tests;

/// <summary>The tamper matrix: every change, deletion, reordering or replay of sealed evidence is detected.</summary>
public sealed class VerifierTamperTests : IDisposable
{
    private readonly StoreTestKit _kit = new();

    public VerifierTamperTests()
    {
        using var store = _kit.Open();
        for (var i = 0; i < 3; i++)
        {
            _kit.SealRun(store, resources: 4, salt: $"-r{i}");
        }
    }

    [Fact]
    public void Verify_UntouchedStore_PassesWithCounts()
    {
        var report = _kit.Verify();
        Assert.True(report.Ok, report.Problem);
        Assert.Equal(3, report.SealedRuns);
        Assert.Equal(12, report.EvidenceFiles);
        Assert.Equal(12, report.Findings);
        Assert.Equal(12, report.Envelopes);
        Assert.Equal(64, report.RootKeyId!.Length);
    }

    [Fact]
    public void Verify_FlippedByteInEvidence_NamesPackOffsetAndHashes()
    {
        var row = _kit.ObjectRows()[0];
        StoreTestKit.FlipByte(_kit.PackFile(row.Pack), row.Offset + (row.Length / 2));
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains($"objects{Path.DirectorySeparatorChar}packs{Path.DirectorySeparatorChar}{row.Pack}: evidence at offset {row.Offset}: expected sha256 {row.Hash}, actual", report.Problem);
    }

    [Fact]
    public void Verify_AnyFlippedByteInAPack_IsCaught()
    {
        // Headers and separators count too: every byte of the first two records (header, payload, line feed).
        var row = _kit.ObjectRows()[0];
        var path = _kit.PackFile(row.Pack);
        var original = File.ReadAllBytes(path);
        var second = _kit.ObjectRows().Where(r => r.Pack == row.Pack).OrderBy(r => r.Offset).ElementAt(1);
        for (var i = 0; i < second.Offset + second.Length + 1; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= 1;
            File.WriteAllBytes(path, bytes);
            Assert.False(_kit.Verify().Ok, $"a flipped byte at offset {i} went unnoticed");
        }

        File.WriteAllBytes(path, original);
        Assert.True(_kit.Verify().Ok);
    }

    [Fact]
    public void Verify_DeletedPack_ReportsMissing()
    {
        var row = _kit.ObjectRows()[^1];
        File.Delete(_kit.PackFile(row.Pack));
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("is missing", report.Problem);
        Assert.Contains(row.Pack, report.Problem);
    }

    [Fact]
    public void Verify_DeletedLocationRow_ReportsMissingEvidence()
    {
        var row = _kit.ObjectRows()[^1];
        _kit.Sql($"DELETE FROM objects WHERE hash='{row.Hash}'");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains($"evidence {row.Hash} cannot be read", report.Problem);
    }

    [Fact]
    public void Verify_LocationRowPointedAtOtherEvidence_NamesBoth()
    {
        var rows = _kit.ObjectRows();
        var (a, b) = (rows[0], rows[1]);
        _kit.Sql($"UPDATE objects SET offset={b.Offset}, length={b.Length} WHERE hash='{a.Hash}'");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains($"locates evidence {a.Hash}", report.Problem);
        Assert.Contains(b.Hash, report.Problem);
    }

    [Fact]
    public void Verify_EditedFindingRow_NamesRowAndHashes()
    {
        _kit.Sql("UPDATE findings SET status='pass', message='encrypted' WHERE rowid = (SELECT rowid FROM findings WHERE status='fail' LIMIT 1)");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Matches("finding row [0-9]+ \\(aws.test.widget_encrypted on arn:aws:test:.*\\) expected hash [0-9a-f]{64}, actual [0-9a-f]{64} \\(row edited\\)", report.Problem);
    }

    [Fact]
    public void Verify_DeletedFindingRow_ReportsRowDeleted()
    {
        _kit.Sql("DELETE FROM findings WHERE rowid = (SELECT rowid FROM findings WHERE status='fail' LIMIT 1)");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("no finding row has it (row deleted)", report.Problem);
    }

    [Fact]
    public void Verify_EditedEnvelope_ReportsProvenanceEdited()
    {
        _kit.Sql("UPDATE envelopes SET json = replace(json, 'req-1', 'req-9') WHERE rowid = (SELECT min(rowid) FROM envelopes WHERE json LIKE '%req-1%')");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("provenance edited", report.Problem);
    }

    [Fact]
    public void Verify_EditedManifest_ReportsManifestHash()
    {
        _kit.Sql("UPDATE manifests SET json = replace(json, '\"requestedBy\":\"tester\"', '\"requestedBy\":\"mallory\"') WHERE seq = 2");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("manifest edited", report.Problem);
    }

    [Fact]
    public void Verify_ManifestAndHashesEditedConsistently_SignatureFails()
    {
        var json = _kit.Scalar("SELECT CAST(json AS TEXT) FROM manifests WHERE seq = 3").Replace("\"requestedBy\":\"tester\"", "\"requestedBy\":\"mallory\"", StringComparison.Ordinal);
        var hash = Jcs.Sha256Hex(Encoding.UTF8.GetBytes(json));
        _kit.Sql($"UPDATE manifests SET json = '{json.Replace("'", "''", StringComparison.Ordinal)}', hash = '{hash}' WHERE seq = 3");
        _kit.Sql($"UPDATE runs SET manifest_hash = '{hash}', requested_by = 'mallory' WHERE seq = 3");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("signature does not verify", report.Problem);
    }

    [Fact]
    public void Verify_ManifestResignedWithAnotherKey_Detected()
    {
        // Mallory edits a finding, rebuilds the manifest with the new hash and signs it with her own key.
        _kit.Sql("UPDATE findings SET status='pass', message='encrypted' WHERE rowid = (SELECT rowid FROM findings WHERE run_id = (SELECT id FROM runs WHERE seq = 3) AND status='fail' LIMIT 1)");
        var node = JsonNode.Parse(_kit.Scalar("SELECT CAST(json AS TEXT) FROM manifests WHERE seq = 3"))!.AsObject();
        using var mallory = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var malloryId = Jcs.Sha256Hex(mallory.ExportSubjectPublicKeyInfo());
        node["keyId"] = malloryId;
        var bytes = Jcs.Canonicalize(node);
        var signature = Convert.ToBase64String(mallory.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var hash = Jcs.Sha256Hex(bytes);
        _kit.Sql($"UPDATE manifests SET json = '{Encoding.UTF8.GetString(bytes)}', hash = '{hash}', key_id = '{malloryId}', signature = '{signature}' WHERE seq = 3");
        _kit.Sql($"UPDATE runs SET manifest_hash = '{hash}' WHERE seq = 3");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains($"manifest signed by key {malloryId}", report.Problem);
        Assert.Contains("re-signed with another key", report.Problem);
    }

    [Fact]
    public void Verify_ForeignKeyAddedToChain_Detected()
    {
        using var mallory = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = mallory.ExportSubjectPublicKeyInfo();
        var id = Jcs.Sha256Hex(spki);
        var root = _kit.Scalar("SELECT key_id FROM keys WHERE seq = 1");
        var record = $"{{\"at\":\"2026-11-30T00:00:00.000Z\",\"effectiveFrom\":4,\"keyId\":\"{id}\",\"previousKeyId\":\"{root}\",\"publicKey\":\"{Convert.ToBase64String(spki)}\",\"sequence\":2,\"type\":\"key-rotation\"}}";
        var signature = Convert.ToBase64String(mallory.SignData(Encoding.UTF8.GetBytes(record), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        _kit.Sql($"INSERT INTO keys(seq, key_id, public_key, effective_from, record, signature) VALUES(2, '{id}', '{Convert.ToBase64String(spki)}', 4, '{record}', '{signature}')");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("is not signed by the previous key", report.Problem);
    }

    [Fact]
    public void Verify_TwoRunsSwapped_Detected()
    {
        _kit.Sql("UPDATE runs SET seq = -1 WHERE seq = 1; UPDATE runs SET seq = 1 WHERE seq = 2; UPDATE runs SET seq = 2 WHERE seq = -1;");
        _kit.Sql("UPDATE manifests SET seq = -1 WHERE seq = 1; UPDATE manifests SET seq = 1 WHERE seq = 2; UPDATE manifests SET seq = 2 WHERE seq = -1;");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("runs reordered", report.Problem);
    }

    [Fact]
    public void Verify_RunRemovedFromMiddle_Detected()
    {
        var middle = _kit.Scalar("SELECT id FROM runs WHERE seq = 2");
        foreach (var table in new[] { "findings", "envelopes", "controls", "targets", "manifests" })
        {
            _kit.Sql($"DELETE FROM {table} WHERE run_id = '{middle}'");
        }

        _kit.Sql($"DELETE FROM runs WHERE id = '{middle}'");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("chain position expected 2", report.Problem);
    }

    [Fact]
    public void Verify_RunRemovedAndRenumbered_ChainLinkDetected()
    {
        var middle = _kit.Scalar("SELECT id FROM runs WHERE seq = 2");
        foreach (var table in new[] { "findings", "envelopes", "controls", "targets", "manifests" })
        {
            _kit.Sql($"DELETE FROM {table} WHERE run_id = '{middle}'");
        }

        _kit.Sql($"DELETE FROM runs WHERE id = '{middle}'");
        _kit.Sql("UPDATE runs SET seq = 2 WHERE seq = 3; UPDATE manifests SET seq = 2 WHERE seq = 3;");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("sequence 3", report.Problem);
    }

    [Fact]
    public void Verify_OldManifestReplayedAsHead_Detected()
    {
        _kit.Sql("UPDATE manifests SET json = (SELECT json FROM manifests WHERE seq = 1), hash = (SELECT hash FROM manifests WHERE seq = 1), signature = (SELECT signature FROM manifests WHERE seq = 1) WHERE seq = 3");
        _kit.Sql("UPDATE runs SET manifest_hash = (SELECT hash FROM manifests WHERE seq = 1) WHERE seq = 3");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.Contains("an old manifest replayed", report.Problem);
    }

    [Fact]
    public void Verify_TrustedKeyMismatch_Fails_AndMatch_Passes()
    {
        var root = _kit.Verify().RootKeyId!;
        Assert.True(_kit.Verify(root).Ok);
        var other = new string('0', 64);
        var report = _kit.Verify(other);
        Assert.False(report.Ok);
        Assert.Contains($"root key {root} is not the trusted key {other}", report.Problem);
    }

    [Fact]
    public void Verify_UnparseableManifest_IsIntegrityFailure()
    {
        _kit.Sql("UPDATE manifests SET json = '{not json', hash = 'x' WHERE seq = 1");
        var report = _kit.Verify();
        Assert.False(report.Ok);
        Assert.NotNull(report.Problem);
    }

    public void Dispose() => _kit.Dispose();
}
