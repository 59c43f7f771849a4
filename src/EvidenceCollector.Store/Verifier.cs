using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>What <c>evidence verify</c> found.</summary>
public sealed record VerifyReport(
    bool Ok,
    string? Problem,
    string? RootKeyId,
    int SealedRuns,
    int EvidenceFiles,
    int Findings,
    int Envelopes,
    int Keys,
    string? HeadManifest);

/// <summary>
/// Re-hashes every evidence file and finding, rebuilds every manifest from the index, checks the chain
/// from the first sealed run to the head and every signature, and the key chain from its root. Reads
/// only; ignores running / aborted runs and temporary files. Stops at the first broken item.
/// </summary>
public static class Verifier
{
    public static VerifyReport Verify(EvidenceStore store, string? trustedKeyId = null)
    {
        var counts = new Counts();
        try
        {
            return VerifyCore(store, trustedKeyId, counts);
        }
        catch (IntegrityException e)
        {
            return counts.Report(false, e.Message);
        }
        catch (Exception e) when (e is JsonException or FormatException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return counts.Report(false, $"the store no longer parses: {e.Message}");
        }
    }

    private static VerifyReport VerifyCore(EvidenceStore store, string? trustedKeyId, Counts counts)
    {
        var keys = store.Query("SELECT seq, key_id, public_key, effective_from, record, signature FROM keys ORDER BY seq", r => new ChainKey(
            r.GetInt64(0), r.GetString(1), Convert.FromBase64String(r.GetString(2)), r.GetInt64(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : Convert.FromBase64String(r.GetString(5))));
        VerifyKeys(keys, trustedKeyId, counts);

        var sealedRuns = store.Query("SELECT id, seq, manifest_hash FROM runs WHERE status='sealed' ORDER BY seq", r => (Id: r.GetString(0), Seq: r.IsDBNull(1) ? -1 : r.GetInt64(1), Hash: r.IsDBNull(2) ? null : r.GetString(2)));
        var manifests = store.Query("SELECT run_id, seq, json, hash, key_id, signature FROM manifests ORDER BY seq", r => (RunId: r.GetString(0), Seq: r.GetInt64(1), Bytes: r.GetFieldValue<byte[]>(2), Hash: r.GetString(3), KeyId: r.GetString(4), Signature: r.GetString(5)));
        var manifestByRun = manifests.ToDictionary(m => m.RunId, StringComparer.Ordinal);
        foreach (var m in manifests)
        {
            if (!sealedRuns.Any(r => r.Id == m.RunId))
            {
                throw new IntegrityException($"manifest {m.Seq} names run {m.RunId}, which is not a sealed run in the index");
            }
        }

        var packed = VerifyPacks(store, counts);
        string? previousHash = null;
        var verifiedObjects = new HashSet<string>(StringComparer.Ordinal);
        long expectedSeq = 0;
        foreach (var run in sealedRuns)
        {
            expectedSeq++;
            if (!manifestByRun.TryGetValue(run.Id, out var manifest))
            {
                throw new IntegrityException($"run {run.Id}: sealed, but its manifest is missing");
            }

            if (run.Seq != expectedSeq || manifest.Seq != expectedSeq)
            {
                throw new IntegrityException($"run {run.Id}: chain position expected {expectedSeq}, index says {run.Seq}, manifest row says {manifest.Seq} (a run removed, swapped or replayed)");
            }

            var bytes = manifest.Bytes;
            var actualHash = Jcs.Sha256Hex(bytes);
            if (actualHash != manifest.Hash || actualHash != run.Hash)
            {
                throw new IntegrityException($"run {run.Id}: manifest hash expected {run.Hash}, actual {actualHash} (manifest edited)");
            }

            var json = JsonNode.Parse(bytes)!.AsObject();
            var keyId = json["keyId"]!.GetValue<string>();
            var key = keys.LastOrDefault(k => k.EffectiveFrom <= run.Seq)
                ?? throw new IntegrityException($"run {run.Id}: no key of the chain covers sequence {run.Seq}");
            if (keyId != key.KeyId || manifest.KeyId != key.KeyId)
            {
                throw new IntegrityException($"run {run.Id}: manifest signed by key {keyId}, but the chain's key for sequence {run.Seq} is {key.KeyId} (re-signed with another key)");
            }

            if (!KeyIds.Verify(key.PublicKey, bytes, Convert.FromBase64String(manifest.Signature)))
            {
                throw new IntegrityException($"run {run.Id}: manifest signature does not verify with key {key.KeyId}");
            }

            var inManifestSeq = json["run"]!["sequence"]!.GetValue<long>();
            var inManifestId = json["run"]!["id"]!.GetValue<string>();
            if (inManifestSeq != run.Seq || inManifestId != run.Id)
            {
                throw new IntegrityException($"run {run.Id}: the signed manifest is run {inManifestId} at sequence {inManifestSeq} (runs reordered, or an old manifest replayed)");
            }

            var linked = json["previousManifest"]?.GetValue<string>();
            if (linked != previousHash)
            {
                throw new IntegrityException($"run {run.Id}: previous manifest expected {previousHash ?? "none"}, manifest links {linked ?? "none"} (chain broken: a run removed, swapped or replayed)");
            }

            CheckRows(store, run.Id, json, counts);
            foreach (var hash in json["evidence"]!.AsArray().Select(n => n!.GetValue<string>()))
            {
                if (verifiedObjects.Add(hash))
                {
                    VerifyObject(store, run.Id, hash, packed);
                    counts.EvidenceFiles++;
                }
            }

            Rebuild(store, run.Id, run.Seq, json, bytes);
            previousHash = actualHash;
            counts.SealedRuns++;
            counts.Head = actualHash;
        }

        return counts.Report(true, null);
    }

    private static void VerifyKeys(List<ChainKey> keys, string? trustedKeyId, Counts counts)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (key.Sequence != i + 1)
            {
                throw new IntegrityException($"key chain: key {key.KeyId} at position {key.Sequence}, expected {i + 1}");
            }

            if (KeyIds.Of(key.PublicKey) != key.KeyId)
            {
                throw new IntegrityException($"key chain: key id {key.KeyId} does not match its public key (SHA-256 {KeyIds.Of(key.PublicKey)})");
            }

            if (i == 0)
            {
                counts.RootKeyId = key.KeyId;
                continue;
            }

            var previous = keys[i - 1];
            if (key.Record is null || key.Signature is null)
            {
                throw new IntegrityException($"key chain: key {key.KeyId} has no rotation record signed by {previous.KeyId}");
            }

            var expected = KeyChain.RotationRecord(key.Sequence, previous.KeyId, key.KeyId, key.PublicKey, key.EffectiveFrom, WireText.ParseTime(JsonNode.Parse(key.Record)!["at"]!.GetValue<string>()));
            if (!expected.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(key.Record)))
            {
                throw new IntegrityException($"key chain: rotation record of key {key.KeyId} does not match the key it admits");
            }

            if (!KeyIds.Verify(previous.PublicKey, expected, key.Signature))
            {
                throw new IntegrityException($"key chain: rotation record of key {key.KeyId} is not signed by the previous key {previous.KeyId}");
            }
        }

        counts.Keys = keys.Count;
        if (trustedKeyId is not null && !string.Equals(trustedKeyId, counts.RootKeyId, StringComparison.OrdinalIgnoreCase))
        {
            throw new IntegrityException($"root key {counts.RootKeyId ?? "(none)"} is not the trusted key {trustedKeyId}");
        }
    }

    private static void CheckRows(EvidenceStore store, string runId, JsonObject manifest, Counts counts)
    {
        var listed = manifest["findings"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var rows = store.Query(
            "SELECT f.run_id, f.check_id, f.title, f.provider, f.account, f.region, f.resource_id, f.status, f.severity, f.message, f.evidence, f.controls, f.mapping_key, f.hash, f.rowid FROM findings f WHERE f.run_id=$run ORDER BY f.rowid",
            r => (Finding: EvidenceStore.ReadFinding(r), Stored: r.GetString(13), RowId: r.GetInt64(14)),
            ("$run", runId));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (finding, stored, rowId) in rows)
        {
            var actual = CanonicalForms.FindingHash(finding);
            if (!listed.Contains(actual))
            {
                throw new IntegrityException($"run {runId}: finding row {rowId} ({finding.CheckId} on {finding.ResourceId}) expected hash {stored}, actual {actual} (row edited)");
            }

            seen.Add(actual);
        }

        foreach (var hash in listed)
        {
            if (!seen.Contains(hash))
            {
                throw new IntegrityException($"run {runId}: the manifest lists finding {hash}, but no finding row has it (row deleted)");
            }
        }

        counts.Findings += rows.Count;
        var envelopes = store.Query("SELECT hash, json, rowid FROM envelopes WHERE run_id=$run", r => (Hash: r.GetString(0), Json: r.GetString(1), RowId: r.GetInt64(2)), ("$run", runId));
        var listedEnvelopes = manifest["envelopes"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (hash, json, rowId) in envelopes)
        {
            var actual = Jcs.Sha256Hex(Encoding.UTF8.GetBytes(json));
            if (actual != hash || !listedEnvelopes.Contains(actual))
            {
                throw new IntegrityException($"run {runId}: envelope row {rowId} expected hash {hash}, actual {actual} (provenance edited)");
            }
        }

        if (envelopes.Count != listedEnvelopes.Count)
        {
            throw new IntegrityException($"run {runId}: the manifest lists {listedEnvelopes.Count} envelopes, the index holds {envelopes.Count} (envelope deleted or added)");
        }

        counts.Envelopes += envelopes.Count;
    }

    /// <summary>
    /// A payload of a sealed run: in a pack, its location must be a record the pack scan verified; loose (a store
    /// written before packs), its file is re-hashed.
    /// </summary>
    private static void VerifyObject(EvidenceStore store, string runId, string hash, HashSet<string> packed)
    {
        if (packed.Contains(hash))
        {
            return;
        }

        if (store.Objects.Locate(hash) is { } location)
        {
            throw new IntegrityException($"run {runId}: evidence {hash} is indexed at {ObjectStore.PackPath(location.Pack)} offset {location.Offset}, which the pack scan did not verify");
        }

        if (!store.Objects.TryRead(hash, out var bytes, out var problem))
        {
            throw new IntegrityException($"run {runId}: evidence {hash} cannot be read: {problem}");
        }

        var actual = Jcs.Sha256Hex(bytes);
        if (actual != hash)
        {
            throw new IntegrityException($"run {runId}: evidence in {store.Objects.Describe(hash)}: expected sha256 {hash}, actual {actual}");
        }
    }

    /// <summary>
    /// Reads every pack from its first byte to the end of its last indexed record: each record's header must
    /// parse, its bytes must hash to the header's sha256 and end with a line feed, and every index row must
    /// point at such a record of the same hash and length. Only an unindexed tail (a write a crash
    /// interrupted) is not read. Returns the hashes verified this way.
    /// </summary>
    private static HashSet<string> VerifyPacks(EvidenceStore store, Counts counts)
    {
        var verified = new HashSet<string>(StringComparer.Ordinal);
        var hasIndex = store.Query("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='objects'", r => r.GetInt64(0)).Single() > 0;
        if (!hasIndex)
        {
            return verified;
        }

        var packs = store.Query("SELECT DISTINCT pack FROM objects ORDER BY pack", r => r.GetString(0));
        foreach (var pack in packs)
        {
            var rows = store.Query("SELECT hash, offset, length FROM objects WHERE pack=$pack ORDER BY offset", r => (Hash: r.GetString(0), Offset: r.GetInt64(1), Length: r.GetInt64(2)), ("$pack", pack));
            var end = rows.Max(r => r.Offset + r.Length + 1);
            var records = ScanPack(store, pack, end);
            foreach (var row in rows)
            {
                if (!records.TryGetValue(row.Offset, out var record))
                {
                    throw new IntegrityException($"{ObjectStore.PackPath(pack)}: the index locates evidence {row.Hash} at offset {row.Offset}, where no record begins (index row edited)");
                }

                if (record.Hash != row.Hash || record.Length != row.Length)
                {
                    throw new IntegrityException($"{ObjectStore.PackPath(pack)}: the index locates evidence {row.Hash} ({row.Length} bytes) at offset {row.Offset}, where the record is {record.Hash} ({record.Length} bytes) (index row edited)");
                }

                verified.Add(row.Hash);
            }

            counts.Packs++;
        }

        return verified;
    }

    private static Dictionary<long, (string Hash, long Length)> ScanPack(EvidenceStore store, string pack, long end)
    {
        var relative = ObjectStore.PackPath(pack);
        var path = Path.Combine(store.Path, relative);
        if (!File.Exists(path))
        {
            throw new IntegrityException($"{relative} is missing (the index locates evidence in it)");
        }

        var records = new Dictionary<long, (string, long)>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
        if (stream.Length < end)
        {
            throw new IntegrityException($"{relative} is {stream.Length} bytes, shorter than its indexed records ({end} bytes): truncated");
        }

        var buffer = new byte[1 << 16];
        long position = 0;
        while (position < end)
        {
            var (hash, length, headerLength) = ReadHeader(stream, relative, position);
            var start = position + headerLength;
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            for (var left = length; left > 0;)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                {
                    throw new IntegrityException($"{relative}: the record at offset {position} ({hash}) is cut short");
                }

                sha.AppendData(buffer, 0, n);
                left -= n;
            }

            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != hash)
            {
                throw new IntegrityException($"{relative}: evidence at offset {start}: expected sha256 {hash}, actual {actual}");
            }

            if (stream.ReadByte() != '\n')
            {
                throw new IntegrityException($"{relative}: the record at offset {position} ({hash}) does not end with a line feed (the pack was altered)");
            }

            records[start] = (hash, length);
            position = start + length + 1;
        }

        return records;
    }

    /// <summary>Reads a record header, <c>EVP1 &lt;64 hex&gt; &lt;length&gt;\n</c>, at the stream's position.</summary>
    private static (string Hash, long Length, int HeaderLength) ReadHeader(Stream stream, string relative, long position)
    {
        Span<byte> header = stackalloc byte[96];
        var count = 0;
        while (true)
        {
            var b = stream.ReadByte();
            if (b < 0 || count == header.Length)
            {
                throw new IntegrityException($"{relative}: no record header at offset {position} (the pack was altered)");
            }

            if (b == '\n')
            {
                break;
            }

            header[count++] = (byte)b;
        }

        var text = Encoding.ASCII.GetString(header[..count]);
        var parts = text.Split(' ');
        if (parts.Length != 3 || parts[0] != "EVP1" || parts[1].Length != 64 || !parts[1].All(char.IsAsciiHexDigitLower)
            || !long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            throw new IntegrityException($"{relative}: no record header at offset {position} (the pack was altered)");
        }

        return (parts[1], length, count + 1);
    }

    /// <summary>Rebuilds the manifest from the index rows and compares it with the signed one, naming the first difference.</summary>
    private static void Rebuild(EvidenceStore store, string runId, long sequence, JsonObject signed, byte[] signedBytes)
    {
        var run = store.Run(runId)!;
        var toolAndConfig = store.Query("SELECT tool_version, config_hash FROM runs WHERE id=$id", r => (Tool: r.GetString(0), Config: r.GetString(1)), ("$id", runId)).Single();
        var envelopes = store.Query("SELECT hash, evidence_hash FROM envelopes WHERE run_id=$run", r => (r.GetString(0), r.GetString(1)), ("$run", runId));
        var findings = store.Query(
            "SELECT f.run_id, f.check_id, f.title, f.provider, f.account, f.region, f.resource_id, f.status, f.severity, f.message, f.evidence, f.controls, f.mapping_key FROM findings f WHERE f.run_id=$run",
            EvidenceStore.ReadFinding, ("$run", runId));
        var controls = store.Query(
            "SELECT control_id, status, pass, fail, error, not_applicable, checks FROM controls WHERE run_id=$run",
            r => new ControlResult(r.GetString(0), WireText.Parse<ControlStatus>(r.GetString(1)), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), []),
            ("$run", runId));
        var rebuilt = new ManifestInput(
            runId, sequence, run.Trigger, run.RequestedBy, run.Scope, run.StartedAt, run.EndedAt ?? default, toolAndConfig.Tool, toolAndConfig.Config,
            signed["keyId"]!.GetValue<string>(), signed["previousManifest"]?.GetValue<string>(), store.Targets(runId),
            envelopes.Select(e => e.Item2).ToList(), envelopes.Select(e => e.Item1).ToList(),
            findings.Select(CanonicalForms.FindingHash).ToList(), controls);
        if (rebuilt.ToCanonicalBytes().AsSpan().SequenceEqual(signedBytes))
        {
            return;
        }

        foreach (var (name, value) in rebuilt.ToJson())
        {
            var expected = Encoding.UTF8.GetString(Jcs.Canonicalize(signed[name]));
            var actual = Encoding.UTF8.GetString(Jcs.Canonicalize(value));
            if (expected != actual)
            {
                throw new IntegrityException($"run {runId}: index rows for '{name}' differ from the signed manifest: expected {Shorten(expected)}, actual {Shorten(actual)}");
            }
        }

        throw new IntegrityException($"run {runId}: the signed manifest differs from the one rebuilt from the index");
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..157] + "...";

    private sealed class IntegrityException(string message) : Exception(message);

    private sealed class Counts
    {
        public string? RootKeyId { get; set; }

        public int SealedRuns { get; set; }

        public int EvidenceFiles { get; set; }

        public int Packs { get; set; }

        public int Findings { get; set; }

        public int Envelopes { get; set; }

        public int Keys { get; set; }

        public string? Head { get; set; }

        public VerifyReport Report(bool ok, string? problem) => new(ok, problem, RootKeyId, SealedRuns, EvidenceFiles, Findings, Envelopes, Keys, Head);
    }
}
