using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>
/// The embedded evidence store: a data folder with a SQLite index (<c>index.db</c>: runs, targets,
/// envelopes, findings, control status, manifests, key chain, heartbeat, payload locations, Quartz tables)
/// and content-addressed payloads in packs under <c>objects/packs/</c>. Readers only ever see sealed runs.
/// </summary>
public sealed partial class EvidenceStore : IDisposable, IObjectIndex, IEvidenceWriter, IEvidenceReadModel
{
    public const string IndexFile = "index.db";
    public const string MarkerFile = "store.json";
    private const string MarkerText = "{\"format\":\"evidencecollector.store\",\"version\":1}\n";

    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();

    private EvidenceStore(string path, SqliteConnection db, bool readOnly, TimeProvider time)
    {
        Path = path;
        _db = db;
        ReadOnly = readOnly;
        Time = time;
        Objects = new ObjectStore(System.IO.Path.Combine(path, "objects"), this);
    }

    public string Path { get; }

    public bool ReadOnly { get; }

    public TimeProvider Time { get; }

    public ObjectStore Objects { get; }

    public string LocksPath => System.IO.Path.Combine(Path, "locks");

    public string KeysPath => System.IO.Path.Combine(Path, "keys");

    public string IndexPath => System.IO.Path.Combine(Path, IndexFile);

    /// <summary>The SQLite connection string of the index (the Quartz job store shares it).</summary>
    public string ConnectionString => ConnectionStringFor(IndexPath, ReadOnly);

    public static bool IsStore(string path) => File.Exists(System.IO.Path.Combine(path, MarkerFile)) && File.Exists(System.IO.Path.Combine(path, IndexFile));

    /// <summary>Opens a store for writing, creating the folder when missing. Does not recover abandoned runs: see <see cref="RecoverAbandonedRuns"/>.</summary>
    public static EvidenceStore OpenOrCreate(string path, TimeProvider? time = null)
    {
        path = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any() && !IsStore(path))
        {
            throw new NotAStoreException($"{path} is not an evidence store (no {MarkerFile} / {IndexFile}) and is not empty");
        }

        Directory.CreateDirectory(path);
        var store = new EvidenceStore(path, Connect(System.IO.Path.Combine(path, IndexFile), readOnly: false), false, time ?? TimeProvider.System);
        store.Objects.EnsureCreated();
        Directory.CreateDirectory(store.LocksPath);
        Directory.CreateDirectory(store.KeysPath);
        store.CreateSchema();
        var marker = System.IO.Path.Combine(path, MarkerFile);
        if (!File.Exists(marker))
        {
            Durable.WriteNew(marker, System.Text.Encoding.UTF8.GetBytes(MarkerText), path);
            Durable.SyncDirectory(path);
        }

        return store;
    }

    /// <summary>Opens an existing store for reading only.</summary>
    public static EvidenceStore OpenReadOnly(string path, TimeProvider? time = null)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(path))
        {
            throw new NotAStoreException($"{path}: no such folder (no evidence store there yet; run `evidence collect` or `evidence demo` first)");
        }

        if (!IsStore(path))
        {
            throw new NotAStoreException($"{path} is not an evidence store (no {MarkerFile} / {IndexFile})");
        }

        return new EvidenceStore(path, Connect(System.IO.Path.Combine(path, IndexFile), readOnly: true), true, time ?? TimeProvider.System);
    }

    public static string ConnectionStringFor(string file, bool readOnly) => new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    private static SqliteConnection Connect(string file, bool readOnly)
    {
        var connection = new SqliteConnection(ConnectionStringFor(file, readOnly));
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = readOnly
                ? "PRAGMA busy_timeout=30000; PRAGMA query_only=1;"
                : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new NotAStoreException($"{file}: cannot open the store index ({e.Message})");
        }
    }

    private void CreateSchema()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS runs(
              id TEXT PRIMARY KEY, seq INTEGER UNIQUE, status TEXT NOT NULL, trigger TEXT NOT NULL,
              requested_by TEXT NOT NULL, scope TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,
              reason TEXT, tool_version TEXT NOT NULL, config_hash TEXT NOT NULL, manifest_hash TEXT, pid INTEGER);
            CREATE TABLE IF NOT EXISTS targets(
              run_id TEXT NOT NULL, provider TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
              outcome TEXT NOT NULL, detail TEXT, PRIMARY KEY(run_id, provider, account, region));
            CREATE TABLE IF NOT EXISTS envelopes(
              run_id TEXT NOT NULL, hash TEXT NOT NULL, evidence_hash TEXT NOT NULL, kind TEXT NOT NULL,
              account TEXT NOT NULL, region TEXT NOT NULL, resource_id TEXT NOT NULL, json TEXT NOT NULL,
              PRIMARY KEY(run_id, hash));
            CREATE TABLE IF NOT EXISTS findings(
              run_id TEXT NOT NULL, hash TEXT NOT NULL, check_id TEXT NOT NULL, title TEXT NOT NULL,
              provider TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, resource_id TEXT NOT NULL,
              status TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, evidence TEXT NOT NULL,
              controls TEXT NOT NULL, mapping_key TEXT, PRIMARY KEY(run_id, hash));
            CREATE INDEX IF NOT EXISTS findings_by_status ON findings(run_id, status);
            CREATE INDEX IF NOT EXISTS envelopes_by_account ON envelopes(run_id, account, kind);
            CREATE INDEX IF NOT EXISTS envelopes_by_evidence ON envelopes(run_id, evidence_hash);
            CREATE TABLE IF NOT EXISTS controls(
              run_id TEXT NOT NULL, control_id TEXT NOT NULL, status TEXT NOT NULL, pass INTEGER NOT NULL,
              fail INTEGER NOT NULL, error INTEGER NOT NULL, not_applicable INTEGER NOT NULL, checks TEXT NOT NULL,
              PRIMARY KEY(run_id, control_id));
            CREATE TABLE IF NOT EXISTS manifests(
              run_id TEXT PRIMARY KEY, seq INTEGER UNIQUE NOT NULL, hash TEXT NOT NULL,
              key_id TEXT NOT NULL, signature TEXT NOT NULL, json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS keys(
              seq INTEGER PRIMARY KEY, key_id TEXT UNIQUE NOT NULL, public_key TEXT NOT NULL,
              effective_from INTEGER NOT NULL, record TEXT, signature TEXT);
            CREATE TABLE IF NOT EXISTS heartbeat(name TEXT PRIMARY KEY, at TEXT NOT NULL, detail TEXT);
            CREATE TABLE IF NOT EXISTS objects(
              hash TEXT PRIMARY KEY, pack TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL) WITHOUT ROWID;
            """);
    }

    internal void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = _db.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            command.ExecuteNonQuery();
        }
    }

    internal List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = _db.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            using var reader = command.ExecuteReader();
            var list = new List<T>();
            while (reader.Read())
            {
                list.Add(map(reader));
            }

            return list;
        }
    }

    internal T WithTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            using var transaction = _db.BeginTransaction();
            var result = work(_db, transaction);
            transaction.Commit();
            return result;
        }
    }

    internal string LockFileOf(string runId) => System.IO.Path.Combine(LocksPath, $"run-{runId}.lock");

    /// <summary>
    /// Marks runs left <c>running</c> by a dead process (their lock is free) as <c>aborted</c>. Called by
    /// writers when they open the store.
    /// </summary>
    public IReadOnlyList<RunInfo> RecoverAbandonedRuns(string byWhom)
    {
        EnsureWritable();
        using var planning = FileLock.AcquireAsync(System.IO.Path.Combine(LocksPath, "plan.lock"), TimeSpan.FromSeconds(30), CancellationToken.None).GetAwaiter().GetResult();
        return RecoverAbandonedRunsLocked(byWhom);
    }

    private List<RunInfo> RecoverAbandonedRunsLocked(string byWhom)
    {
        var recovered = new List<RunInfo>();
        foreach (var run in Runs().Where(r => r.Status == RunStatus.Running))
        {
            if (FileLock.IsHeld(LockFileOf(run.Id)))
            {
                continue;
            }

            var reason = $"the process running it exited before sealing (found by {byWhom} at {Time.GetUtcNow().ToWire()})";
            MarkAborted(run.Id, reason);
            TryDelete(LockFileOf(run.Id));
            recovered.Add(run with { Status = RunStatus.Aborted, Reason = reason });
        }

        return recovered;
    }

    /// <summary>
    /// Starts a run: refuses (exit 3) when a live run of overlapping scope holds its lock; records the
    /// run as <c>running</c>, invisible to readers until sealed.
    /// </summary>
    public string Location => Path;

    IRunWriter IEvidenceWriter.BeginRun(RunStart start) => BeginRun(start);

    public byte[] ReadEvidence(string hash) => Objects.Read(hash);

    /// <summary>This store as a source of sealed runs for <see cref="Verifier"/>.</summary>
    public ISealedRunSource SealedRunSource() => new SqliteSealedRunSource(this);

    public RunWriter BeginRun(RunStart start)
    {
        EnsureWritable();
        using var planning = FileLock.AcquireAsync(System.IO.Path.Combine(LocksPath, "plan.lock"), TimeSpan.FromSeconds(30), CancellationToken.None).GetAwaiter().GetResult();
        RecoverAbandonedRunsLocked(start.RequestedBy);
        foreach (var running in Runs().Where(r => r.Status == RunStatus.Running))
        {
            if (running.Scope.Overlaps(start.Scope))
            {
                throw new RunRefusedException(running.Id, $"refused: run {running.Id} (scope: {running.Scope}, started {running.StartedAt.ToWire()} by {running.RequestedBy}) is in progress and overlaps this run's scope ({start.Scope})");
            }
        }

        var now = Time.GetUtcNow();
        var id = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        var runLock = FileLock.TryAcquire(LockFileOf(id)) ?? throw new IOException($"cannot lock {LockFileOf(id)}");
        Execute(
            "INSERT INTO runs(id, status, trigger, requested_by, scope, started_at, tool_version, config_hash, pid) VALUES($id, 'running', $trigger, $by, $scope, $started, $tool, $config, $pid)",
            ("$id", id), ("$trigger", start.Trigger.ToWire()), ("$by", start.RequestedBy),
            ("$scope", CanonicalForms.Scope(start.Scope).ToJsonString()), ("$started", now.ToWire()),
            ("$tool", start.ToolVersion), ("$config", start.ConfigHash), ("$pid", Environment.ProcessId));
        return new RunWriter(this, id, start, now, runLock);
    }

    internal void MarkAborted(string runId, string reason) =>
        Execute(
            "UPDATE runs SET status='aborted', reason=$reason, ended_at=$ended WHERE id=$id AND status='running'",
            ("$id", runId), ("$reason", reason), ("$ended", Time.GetUtcNow().ToWire()));

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A lock file that cannot be removed now is removed by the next writer; it holds nothing.
        }
    }

    private void EnsureWritable()
    {
        if (ReadOnly)
        {
            throw new InvalidOperationException("the store was opened read-only");
        }
    }

    // ---- readers: sealed runs only, except the run list ----

    public IReadOnlyList<RunInfo> Runs() =>
        Query("SELECT id, seq, status, trigger, requested_by, scope, started_at, ended_at, reason, manifest_hash FROM runs ORDER BY started_at, id", ReadRun);

    public RunInfo? Run(string id) =>
        Query("SELECT id, seq, status, trigger, requested_by, scope, started_at, ended_at, reason, manifest_hash FROM runs WHERE id=$id", ReadRun, ("$id", id)).SingleOrDefault();

    public RunInfo? LatestSealedRun() =>
        Query("SELECT id, seq, status, trigger, requested_by, scope, started_at, ended_at, reason, manifest_hash FROM runs WHERE status='sealed' ORDER BY seq DESC LIMIT 1", ReadRun).SingleOrDefault();

    public IReadOnlyList<RunInfo> SealedRuns() =>
        Query("SELECT id, seq, status, trigger, requested_by, scope, started_at, ended_at, reason, manifest_hash FROM runs WHERE status='sealed' ORDER BY seq", ReadRun);

    public IReadOnlyList<Finding> Findings(string runId, string? controlId = null, FindingStatus? status = null, int offset = 0, int? limit = null)
    {
        var sql = "SELECT f.run_id, f.check_id, f.title, f.provider, f.account, f.region, f.resource_id, f.status, f.severity, f.message, f.evidence, f.controls, f.mapping_key FROM findings f JOIN runs r ON r.id = f.run_id AND r.status='sealed' WHERE f.run_id=$run";
        if (status is not null)
        {
            sql += " AND f.status=$status";
        }

        if (controlId is not null)
        {
            // Controls are a canonical JSON array of strings: an exact element match.
            sql += " AND EXISTS (SELECT 1 FROM json_each(f.controls) WHERE json_each.value=$control)";
        }

        sql += " ORDER BY f.check_id, f.account, f.region, f.resource_id, f.rowid LIMIT $limit OFFSET $offset";
        return Query(sql, ReadFinding, ("$run", runId), ("$status", status?.ToWire()), ("$control", controlId), ("$limit", limit ?? -1), ("$offset", Math.Max(0, offset)));
    }

    public StoredPayload? Evidence(string hash)
    {
        if (!Objects.TryRead(hash, out var bytes, out _))
        {
            return null;
        }

        var envelopes = Query(
            "SELECT e.json FROM envelopes e JOIN runs r ON r.id = e.run_id AND r.status='sealed' WHERE e.evidence_hash=$hash ORDER BY r.seq, e.rowid",
            r => Envelope.Parse(r.GetString(0)), ("$hash", hash));
        return new StoredPayload(hash, bytes, envelopes);
    }

    public IReadOnlyList<ChainKey> KeyChain() =>
        Query("SELECT seq, key_id, public_key, effective_from, record, signature FROM keys ORDER BY seq", r => new ChainKey(
            r.GetInt64(0), r.GetString(1), Convert.FromBase64String(r.GetString(2)), r.GetInt64(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : Convert.FromBase64String(r.GetString(5))));

    /// <summary>Per-rule findings of a sealed run whose rule maps to no control (reported, not rejected).</summary>
    public IReadOnlyList<string> UnmappedRules(string runId) =>
        Query(
            "SELECT DISTINCT f.check_id FROM findings f JOIN runs r ON r.id = f.run_id AND r.status='sealed' WHERE f.run_id=$run AND f.mapping_key IS NOT NULL AND f.controls='[]' ORDER BY f.check_id",
            r => r.GetString(0),
            ("$run", runId));

    public IReadOnlyList<ControlResult> Controls(string runId) =>
        Query(
            "SELECT c.control_id, c.status, c.pass, c.fail, c.error, c.not_applicable, c.checks FROM controls c JOIN runs r ON r.id = c.run_id AND r.status='sealed' WHERE c.run_id=$run ORDER BY c.rowid",
            r => new ControlResult(r.GetString(0), WireText.Parse<ControlStatus>(r.GetString(1)), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), CanonicalForms.ParseStrings(r.GetString(6))),
            ("$run", runId));

    public IReadOnlyList<TargetReport> Targets(string runId) =>
        Query(
            "SELECT provider, account, region, outcome, detail FROM targets WHERE run_id=$run ORDER BY provider, account, region",
            r => new TargetReport(new Target(WireText.Parse<Provider>(r.GetString(0)), r.GetString(1), r.GetString(2)), WireText.Parse<TargetOutcome>(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4)),
            ("$run", runId));

    public int EvidenceCount(string runId) =>
        Query("SELECT COUNT(*) FROM envelopes WHERE run_id=$run", r => r.GetInt32(0), ("$run", runId)).Single();

    // ---- heartbeat (the scheduler writes it; `evidence health` reads it) ----

    public void Beat(string name, string? detail = null) =>
        Execute("INSERT INTO heartbeat(name, at, detail) VALUES($n, $at, $d) ON CONFLICT(name) DO UPDATE SET at=excluded.at, detail=excluded.detail", ("$n", name), ("$at", Time.GetUtcNow().ToWire()), ("$d", detail));

    public DateTimeOffset? LastBeat(string name) =>
        Query("SELECT at FROM heartbeat WHERE name=$n", r => WireText.ParseTime(r.GetString(0)), ("$n", name)).Cast<DateTimeOffset?>().SingleOrDefault();

    internal static RunInfo ReadRun(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Sequence = r.IsDBNull(1) ? null : r.GetInt64(1),
        Status = WireText.Parse<RunStatus>(r.GetString(2)),
        Trigger = WireText.Parse<RunTrigger>(r.GetString(3)),
        RequestedBy = r.GetString(4),
        Scope = CanonicalForms.ParseScope(r.GetString(5)),
        StartedAt = WireText.ParseTime(r.GetString(6)),
        EndedAt = r.IsDBNull(7) ? null : WireText.ParseTime(r.GetString(7)),
        Reason = r.IsDBNull(8) ? null : r.GetString(8),
        ManifestHash = r.IsDBNull(9) ? null : r.GetString(9),
    };

    internal static Finding ReadFinding(SqliteDataReader r) => new()
    {
        RunId = r.GetString(0),
        CheckId = r.GetString(1),
        Title = r.GetString(2),
        Provider = WireText.Parse<Provider>(r.GetString(3)),
        Account = r.GetString(4),
        Region = r.GetString(5),
        ResourceId = r.GetString(6),
        Status = WireText.Parse<FindingStatus>(r.GetString(7)),
        Severity = WireText.Parse<Severity>(r.GetString(8)),
        Message = r.GetString(9),
        Evidence = CanonicalForms.ParseStrings(r.GetString(10)),
        Controls = CanonicalForms.ParseStrings(r.GetString(11)),
        MappingKey = r.IsDBNull(12) ? null : r.GetString(12),
    };

    internal static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Objects.Dispose();
        _db.Dispose();
    }

    private bool _hasObjectIndex;

    ObjectLocation? IObjectIndex.Locate(string hash)
    {
        lock (_gate)
        {
            // A store written before packs, opened read-only, has no objects table.
            using var command = _db.CreateCommand();
            if (!_hasObjectIndex)
            {
                command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='objects'";
                _hasObjectIndex = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
                if (!_hasObjectIndex)
                {
                    return null;
                }
            }

            command.CommandText = "SELECT pack, offset, length FROM objects WHERE hash=$hash";
            command.Parameters.AddWithValue("$hash", hash);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new ObjectLocation(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2)) : null;
        }
    }

    void IObjectIndex.Record(IReadOnlyList<(string Hash, ObjectLocation Location)> batch) => WithTransaction((db, transaction) =>
    {
        using var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR IGNORE INTO objects(hash, pack, offset, length) VALUES($hash, $pack, $offset, $length)";
        var hash = command.Parameters.Add("$hash", SqliteType.Text);
        var pack = command.Parameters.Add("$pack", SqliteType.Text);
        var offset = command.Parameters.Add("$offset", SqliteType.Integer);
        var length = command.Parameters.Add("$length", SqliteType.Integer);
        foreach (var (h, l) in batch)
        {
            hash.Value = h;
            pack.Value = l.Pack;
            offset.Value = l.Offset;
            length.Value = l.Length;
            command.ExecuteNonQuery();
        }

        _hasObjectIndex = true;
        return batch.Count;
    });
}
