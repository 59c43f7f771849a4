using System.Text;
using EvidenceCollector.Mapping;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>
/// The embedded store as a <see cref="ISealedRunSource"/>: the SQLite index's rows, the packs (every record of
/// every pack re-hashed) and loose files of stores written before packs.
/// </summary>
internal sealed class SqliteSealedRunSource(EvidenceStore store) : ISealedRunSource
{
    public IReadOnlyList<ChainKey> KeyChain() => store.KeyChain();

    public IReadOnlyList<SealedRunRow> SealedRunRows() =>
        store.Query("SELECT id, seq, manifest_hash FROM runs WHERE status='sealed' ORDER BY seq", r => new SealedRunRow(r.GetString(0), r.IsDBNull(1) ? -1 : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2)));

    public IReadOnlyList<SealedManifest> Manifests() =>
        store.Query("SELECT run_id, seq, json, hash, key_id, signature FROM manifests ORDER BY seq", r => new SealedManifest(r.GetString(0), r.GetInt64(1), r.GetFieldValue<byte[]>(2), r.GetString(3), r.GetString(4), r.GetString(5)));

    public IReadOnlyList<FindingRow> FindingRows(string runId) =>
        store.Query(
            "SELECT f.run_id, f.check_id, f.title, f.provider, f.account, f.region, f.resource_id, f.status, f.severity, f.message, f.evidence, f.controls, f.mapping_key, f.hash, f.rowid FROM findings f WHERE f.run_id=$run ORDER BY f.rowid",
            r => new FindingRow(EvidenceStore.ReadFinding(r), r.GetString(13), $"finding row {r.GetInt64(14)}"),
            ("$run", runId));

    public IReadOnlyList<EnvelopeRow> EnvelopeRows(string runId) =>
        store.Query("SELECT hash, json, evidence_hash, rowid FROM envelopes WHERE run_id=$run ORDER BY rowid", r => new EnvelopeRow(r.GetString(0), r.GetString(1), r.GetString(2), $"envelope row {r.GetInt64(3)}"), ("$run", runId));

    public RunFacts Facts(string runId)
    {
        var run = store.Run(runId) ?? throw new IntegrityProblem($"run {runId}: not in the index");
        var (tool, config) = store.Query("SELECT tool_version, config_hash FROM runs WHERE id=$id", r => (r.GetString(0), r.GetString(1)), ("$id", runId)).Single();
        return new RunFacts(run, tool, config);
    }

    public IReadOnlyList<ControlResult> Controls(string runId) =>
        store.Query(
            "SELECT control_id, status, pass, fail, error, not_applicable, checks FROM controls WHERE run_id=$run",
            r => new ControlResult(r.GetString(0), WireText.Parse<ControlStatus>(r.GetString(1)), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), []),
            ("$run", runId));

    public IReadOnlyList<TargetReport> Targets(string runId) => store.Targets(runId);

    /// <summary>
    /// A payload of a sealed run: in a pack, its location must be a record the pack scan verified; loose (a store
    /// written before packs), its file is re-hashed.
    /// </summary>
    public void VerifyEvidence(string runId, string hash)
    {
        if (store.Objects.Locate(hash) is { } location)
        {
            throw new IntegrityProblem($"run {runId}: evidence {hash} is indexed at {ObjectStore.PackPath(location.Pack)} offset {location.Offset}, which the pack scan did not verify");
        }

        if (!store.Objects.TryRead(hash, out var bytes, out var problem))
        {
            throw new IntegrityProblem($"run {runId}: evidence {hash} cannot be read: {problem}");
        }

        var actual = Jcs.Sha256Hex(bytes);
        if (actual != hash)
        {
            throw new IntegrityProblem($"run {runId}: evidence in {store.Objects.Describe(hash)}: expected sha256 {hash}, actual {actual}");
        }
    }

    /// <summary>
    /// Reads every pack from its first byte to the end of its last indexed record: each record's header must
    /// parse, its bytes must hash to the header's sha256 and end with a line feed, and every index row must
    /// point at such a record of the same hash and length. Only an unindexed tail (a write a crash
    /// interrupted) is not read. Returns the hashes verified this way.
    /// </summary>
    public IReadOnlySet<string> VerifyStorage(Action storageUnitVerified)
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
            var records = ScanPack(pack, end);
            foreach (var row in rows)
            {
                if (!records.TryGetValue(row.Offset, out var record))
                {
                    throw new IntegrityProblem($"{ObjectStore.PackPath(pack)}: the index locates evidence {row.Hash} at offset {row.Offset}, where no record begins (index row edited)");
                }

                if (record.Hash != row.Hash || record.Length != row.Length)
                {
                    throw new IntegrityProblem($"{ObjectStore.PackPath(pack)}: the index locates evidence {row.Hash} ({row.Length} bytes) at offset {row.Offset}, where the record is {record.Hash} ({record.Length} bytes) (index row edited)");
                }

                verified.Add(row.Hash);
            }

            storageUnitVerified();
        }

        return verified;
    }

    private Dictionary<long, (string Hash, long Length)> ScanPack(string pack, long end)
    {
        var relative = ObjectStore.PackPath(pack);
        var path = Path.Combine(store.Path, relative);
        if (!File.Exists(path))
        {
            throw new IntegrityProblem($"{relative} is missing (the index locates evidence in it)");
        }

        var records = new Dictionary<long, (string, long)>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
        if (stream.Length < end)
        {
            throw new IntegrityProblem($"{relative} is {stream.Length} bytes, shorter than its indexed records ({end} bytes): truncated");
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
                    throw new IntegrityProblem($"{relative}: the record at offset {position} ({hash}) is cut short");
                }

                sha.AppendData(buffer, 0, n);
                left -= n;
            }

            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != hash)
            {
                throw new IntegrityProblem($"{relative}: evidence at offset {start}: expected sha256 {hash}, actual {actual}");
            }

            if (stream.ReadByte() != '\n')
            {
                throw new IntegrityProblem($"{relative}: the record at offset {position} ({hash}) does not end with a line feed (the pack was altered)");
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
                throw new IntegrityProblem($"{relative}: no record header at offset {position} (the pack was altered)");
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
            throw new IntegrityProblem($"{relative}: no record header at offset {position} (the pack was altered)");
        }

        return (parts[1], length, count + 1);
    }
}
