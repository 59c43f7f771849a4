using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>One stored payload of a run, as the index knows it.</summary>
public sealed record StoredEvidence(string Kind, string Region, string ResourceId, string Hash);

/// <summary>The result of sealing a run.</summary>
public sealed record SealResult(string RunId, long Sequence, string ManifestHash, string KeyId, int Evidence, int Findings);

/// <summary>
/// Writes one run. Payloads are stored durably as they arrive; envelopes are buffered to the index in
/// batches (invisible to readers); findings, control statuses and the signed manifest are committed in
/// one transaction by <see cref="Seal"/>. A crash at any point leaves a <c>running</c> row that the next
/// writer marks <c>aborted</c>.
/// </summary>
public sealed class RunWriter : IRunWriter
{
    private const int EnvelopeBatch = 2000;
    private readonly EvidenceStore _store;
    private readonly FileLock _lock;
    private readonly Lock _gate = new();
    private readonly Lock _writeGate = new();
    private readonly List<(string Hash, Envelope Envelope, string Json)> _pending = [];
    private readonly Dictionary<(Provider, string, string), TargetReport> _targets = [];
    private bool _finished;

    internal RunWriter(EvidenceStore store, string runId, RunStart start, DateTimeOffset startedAt, FileLock runLock)
    {
        _store = store;
        RunId = runId;
        Start = start;
        StartedAt = startedAt;
        _lock = runLock;
    }

    public string RunId { get; }

    public RunStart Start { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// Stores a redacted payload (canonicalised here, hashed, written once) and its envelope.
    /// Returns the payload's hash.
    /// </summary>
    public string AddEvidence(JsonNode redactedPayload, Func<string, Envelope> envelopeFor)
    {
        var bytes = Jcs.Canonicalize(redactedPayload);
        return AddEvidence(bytes, envelopeFor);
    }

    public string AddEvidence(byte[] canonicalPayload, Func<string, Envelope> envelopeFor)
    {
        var hash = Jcs.Sha256Hex(canonicalPayload);
        _store.Objects.Put(hash, canonicalPayload);
        var envelope = envelopeFor(hash);
        var json = Jcs.Canonicalize(envelope.ToJson());
        var envelopeHash = Jcs.Sha256Hex(json);
        bool full;
        lock (_gate)
        {
            _pending.Add((envelopeHash, envelope, System.Text.Encoding.UTF8.GetString(json)));
            full = _pending.Count >= EnvelopeBatch;
        }

        if (full)
        {
            WritePendingEnvelopes();
        }

        return hash;
    }

    /// <summary>
    /// Writes buffered envelopes to the index now (before reading the run's evidence back). When it returns,
    /// every envelope added before the call is in the index, including those of a batch another thread was
    /// writing at the time.
    /// </summary>
    public void FlushEnvelopes()
    {
        // Payloads first: a batch of new objects is durable and indexed before anyone reads it back.
        _store.Objects.Flush();
        WritePendingEnvelopes();
    }

    private void WritePendingEnvelopes()
    {
        // The batch is taken and written under one lock, so a flush never returns while an earlier batch is
        // still on its way to the index.
        lock (_writeGate)
        {
            List<(string, Envelope, string)> batch;
            lock (_gate)
            {
                batch = [.. _pending];
                _pending.Clear();
            }

            if (batch.Count > 0)
            {
                WriteEnvelopes(batch);
            }
        }
    }

    /// <summary>This run's stored evidence of one account and some kinds (call <see cref="FlushEnvelopes"/> first).</summary>
    public IReadOnlyList<StoredEvidence> Evidence(string account, IReadOnlyCollection<string> kinds)
    {
        var list = new List<StoredEvidence>();
        foreach (var kind in kinds)
        {
            list.AddRange(_store.Query(
                "SELECT kind, region, resource_id, evidence_hash FROM envelopes WHERE run_id=$run AND account=$account AND kind=$kind ORDER BY rowid",
                r => new StoredEvidence(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)),
                ("$run", RunId), ("$account", account), ("$kind", kind)));
        }

        return list;
    }

    public void AddTargets(IEnumerable<TargetReport> reports)
    {
        lock (_gate)
        {
            foreach (var report in reports)
            {
                var key = (report.Target.Provider, report.Target.Account, report.Target.Region);
                // An errored outcome is never overwritten by a later "evaluated".
                if (_targets.TryGetValue(key, out var existing) && existing.Outcome == TargetOutcome.Errored && report.Outcome != TargetOutcome.Errored)
                {
                    continue;
                }

                _targets[key] = report;
            }
        }
    }

    public IReadOnlyList<TargetReport> TargetReports
    {
        get
        {
            lock (_gate)
            {
                return [.. _targets.Values];
            }
        }
    }

    private void WriteEnvelopes(List<(string Hash, Envelope Envelope, string Json)> batch)
    {
        _store.WithTransaction((db, tx) =>
        {
            using var command = db.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "INSERT OR IGNORE INTO envelopes(run_id, hash, evidence_hash, kind, account, region, resource_id, json) VALUES($run, $hash, $ev, $kind, $acct, $region, $res, $json)";
            var p = new[] { "$run", "$hash", "$ev", "$kind", "$acct", "$region", "$res", "$json" }.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
            command.Prepare();
            foreach (var (hash, e, json) in batch)
            {
                p[0].Value = RunId;
                p[1].Value = hash;
                p[2].Value = e.EvidenceHash;
                p[3].Value = e.Kind;
                p[4].Value = e.Account;
                p[5].Value = e.Region;
                p[6].Value = e.ResourceId;
                p[7].Value = json;
                command.ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <summary>
    /// Adds findings to the run (hashed and written now, visible only once the run is sealed), so a run
    /// over a large estate never holds all its findings in memory.
    /// </summary>
    public void AddFindings(IReadOnlyCollection<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return;
        }

        var rows = findings.Select(f => (Finding: f, Hash: CanonicalForms.FindingHash(f))).ToList();
        _store.WithTransaction((db, tx) =>
        {
            InsertFindings(db, tx, rows);
            return 0;
        });
    }

    /// <summary>Adds <paramref name="findings"/>, then seals (see the other overload).</summary>
    public SealResult Seal(IReadOnlyList<Finding> findings, IReadOnlyList<ControlResult> controls, ISigner signer, ISigner? previousSigner = null)
    {
        AddFindings(findings);
        return Seal(controls, signer, previousSigner);
    }

    /// <summary>
    /// Seals the run: makes every payload durable, builds the manifest (run metadata, tool version,
    /// configuration hash, targets, sorted evidence / finding / envelope hashes, control statuses, the
    /// previous manifest's hash), signs it and commits everything at once.
    /// </summary>
    public SealResult Seal(IReadOnlyList<ControlResult> controls, ISigner signer, ISigner? previousSigner = null)
    {
        if (_finished)
        {
            throw new InvalidOperationException($"run {RunId} is already finished");
        }

        FlushEnvelopes();
        _store.Objects.SyncDirectories();
        using var sealLock = FileLock.AcquireAsync(Path.Combine(_store.LocksPath, "seal.lock"), TimeSpan.FromMinutes(5), CancellationToken.None).GetAwaiter().GetResult();
        var result = _store.WithTransaction((db, tx) =>
        {
            var (sequence, previous) = Head(db, tx);
            sequence++;
            KeyChain.Admit(db, tx, signer, previousSigner, sequence, _store.Time.GetUtcNow());
            var sealedAt = _store.Time.GetUtcNow();
            var header = new ManifestInput(
                RunId, sequence, Start.Trigger, Start.RequestedBy, Start.Scope, StartedAt, sealedAt, Start.ToolVersion,
                Start.ConfigHash, signer.KeyId, previous, TargetReports, [], [], [], controls);

            // The hash lists come straight from the index, sorted by SQLite (BINARY collation: ordinal). The
            // manifest is never held whole: a first pass hashes it, the signature is over that digest, a second
            // pass streams the same bytes into the row.
            IEnumerable<string> Envelopes() => Strings(db, tx, "SELECT hash FROM envelopes WHERE run_id=$run ORDER BY hash");
            IEnumerable<string> EvidenceHashes() => Strings(db, tx, "SELECT DISTINCT evidence_hash FROM envelopes WHERE run_id=$run ORDER BY evidence_hash");
            IEnumerable<string> FindingHashes() => Strings(db, tx, "SELECT hash FROM findings WHERE run_id=$run ORDER BY hash");
            byte[] digest;
            long length;
            using (var hashing = new HashingStream())
            {
                header.WriteTo(hashing, Envelopes(), EvidenceHashes(), FindingHashes());
                (digest, length) = (hashing.Digest(), hashing.Length);
            }

            var manifestHash = Convert.ToHexStringLower(digest);
            var signature = signer.SignDigest(digest);
            // json is the table's last column: SQLite then stores the zeroblob as a zero tail instead of
            // allocating it (a 100 k-resource manifest is ~50 MB), and the blob is filled in place.
            Exec(db, tx, "INSERT INTO manifests(run_id, seq, hash, key_id, signature, json) VALUES($run, $seq, $hash, $key, $sig, zeroblob($length))",
                ("$run", RunId), ("$seq", sequence), ("$length", length), ("$hash", manifestHash),
                ("$key", signer.KeyId), ("$sig", Convert.ToBase64String(signature)));
            var rowId = Count(db, tx, "SELECT rowid FROM manifests WHERE run_id=$run");
            using (var blob = new SqliteBlob(db, "manifests", "json", rowId))
            using (var hashing = new HashingStream(blob))
            {
                header.WriteTo(hashing, Envelopes(), EvidenceHashes(), FindingHashes());
                if (hashing.Length != length || !hashing.Digest().AsSpan().SequenceEqual(digest))
                {
                    throw new InvalidOperationException($"run {RunId}: the manifest changed between its two writes; not sealed");
                }
            }

            InsertTargets(db, tx);
            InsertControls(db, tx, controls);
            var updated = Exec(db, tx, "UPDATE runs SET status='sealed', seq=$seq, ended_at=$ended, manifest_hash=$hash WHERE id=$run AND status='running'",
                ("$run", RunId), ("$seq", sequence), ("$ended", sealedAt.ToWire()), ("$hash", manifestHash));
            if (updated != 1)
            {
                throw new InvalidOperationException($"run {RunId} is no longer running (aborted by another writer?); not sealed");
            }

            var evidence = Count(db, tx, "SELECT COUNT(DISTINCT evidence_hash) FROM envelopes WHERE run_id=$run");
            var findings = Count(db, tx, "SELECT COUNT(*) FROM findings WHERE run_id=$run");
            return new SealResult(RunId, sequence, manifestHash, signer.KeyId, evidence, findings);
        });
        Finish();
        return result;
    }

    private IEnumerable<string> Strings(SqliteConnection db, SqliteTransaction tx, string sql)
    {
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$run", RunId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader.GetString(0);
        }
    }

    /// <summary>A write-only stream that hashes (SHA-256) and counts what passes through, optionally into another stream.</summary>
    private sealed class HashingStream(Stream? inner = null) : Stream
    {
        private readonly System.Security.Cryptography.IncrementalHash _hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public long Written { get; private set; }

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public byte[] Digest() => _hash.GetCurrentHash();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner?.Write(buffer);
            Written += buffer.Length;
        }

        public override void Flush() => inner?.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private int Count(SqliteConnection db, SqliteTransaction tx, string sql)
    {
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$run", RunId);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Ends the run as <c>aborted</c> with a reason; nothing of it becomes visible.</summary>
    public void Abort(string reason)
    {
        if (_finished)
        {
            return;
        }

        _store.MarkAborted(RunId, reason);
        Finish();
    }

    private void Finish()
    {
        _finished = true;
        _lock.Dispose();
        EvidenceStore.TryDelete(_lock.Path);
    }

    internal static (long Sequence, string? ManifestHash) Head(SqliteConnection db, SqliteTransaction tx)
    {
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT seq, hash FROM manifests ORDER BY seq DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, null);
    }

    private void InsertTargets(SqliteConnection db, SqliteTransaction tx)
    {
        foreach (var t in TargetReports)
        {
            Exec(db, tx, "INSERT INTO targets(run_id, provider, account, region, outcome, detail) VALUES($run, $p, $a, $r, $o, $d)",
                ("$run", RunId), ("$p", t.Target.Provider.ToWire()), ("$a", t.Target.Account), ("$r", t.Target.Region), ("$o", t.Outcome.ToWire()), ("$d", t.Detail));
        }
    }

    private void InsertFindings(SqliteConnection db, SqliteTransaction tx, List<(Finding Finding, string Hash)> rows)
    {
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT OR IGNORE INTO findings(run_id, hash, check_id, title, provider, account, region, resource_id, status, severity, message, evidence, controls, mapping_key) VALUES($run, $hash, $check, $title, $provider, $account, $region, $res, $status, $sev, $msg, $ev, $ctl, $key)";
        var names = new[] { "$run", "$hash", "$check", "$title", "$provider", "$account", "$region", "$res", "$status", "$sev", "$msg", "$ev", "$ctl", "$key" };
        var p = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        command.Prepare();
        foreach (var (f, hash) in rows)
        {
            p[0].Value = RunId;
            p[1].Value = hash;
            p[2].Value = f.CheckId;
            p[3].Value = f.Title;
            p[4].Value = f.Provider.ToWire();
            p[5].Value = f.Account;
            p[6].Value = f.Region;
            p[7].Value = f.ResourceId;
            p[8].Value = f.Status.ToWire();
            p[9].Value = f.Severity.ToWire();
            p[10].Value = f.Message;
            p[11].Value = JsonSerializer.Serialize(f.Evidence);
            p[12].Value = JsonSerializer.Serialize(f.Controls);
            p[13].Value = (object?)f.MappingKey ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
    }

    private void InsertControls(SqliteConnection db, SqliteTransaction tx, IReadOnlyList<ControlResult> controls)
    {
        foreach (var c in controls)
        {
            Exec(db, tx, "INSERT INTO controls(run_id, control_id, status, pass, fail, error, not_applicable, checks) VALUES($run, $id, $s, $p, $f, $e, $n, $c)",
                ("$run", RunId), ("$id", c.ControlId), ("$s", c.Status.ToWire()), ("$p", c.Pass), ("$f", c.Fail), ("$e", c.Error), ("$n", c.NotApplicable),
                ("$c", JsonSerializer.Serialize(c.Checks)));
        }
    }

    internal static int Exec(SqliteConnection db, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>A run disposed without being sealed or aborted (an exception in the pipeline) is aborted.</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            Abort("the run ended without sealing");
        }
    }
}
