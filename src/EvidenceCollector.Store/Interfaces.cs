using EvidenceCollector.Mapping;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>
/// What a run writes (the pipeline's view of a store): begin a run, add evidence and findings, seal or abort.
/// The embedded SQLite + packs store implements it; a PostgreSQL index with object storage can next.
/// </summary>
public interface IEvidenceWriter
{
    /// <summary>Where the store is, for messages.</summary>
    string Location { get; }

    /// <summary>Begins a run; throws <see cref="RunRefusedException"/> when a run of overlapping scope is in progress.</summary>
    IRunWriter BeginRun(RunStart start);

    /// <summary>The payload stored under <paramref name="hash"/> (canonical bytes), for checks that read evidence back.</summary>
    byte[] ReadEvidence(string hash);

    /// <summary>Records that a worker (the scheduler) is alive, for <c>evidence health</c>.</summary>
    void Beat(string name, string? detail = null);
}

/// <summary>One run being written: invisible to readers until sealed; an abort (or a crash) leaves the store valid.</summary>
public interface IRunWriter : IDisposable
{
    string RunId { get; }

    /// <summary>Stores a canonical payload once (by its SHA-256) and the run's envelope for it; returns the hash.</summary>
    string AddEvidence(byte[] canonicalPayload, Func<string, Envelope> envelopeFor);

    /// <summary>Makes the envelopes added so far visible to <see cref="Evidence"/>.</summary>
    void FlushEnvelopes();

    /// <summary>The run's stored evidence of an account and kinds.</summary>
    IReadOnlyList<StoredEvidence> Evidence(string account, IReadOnlyCollection<string> kinds);

    void AddTargets(IEnumerable<TargetReport> reports);

    IReadOnlyList<TargetReport> TargetReports { get; }

    void AddFindings(IReadOnlyCollection<Finding> findings);

    /// <summary>Seals the run: manifest, chain link, signature. <paramref name="previousSigner"/> signs a key rotation.</summary>
    SealResult Seal(IReadOnlyList<ControlResult> controls, ISigner signer, ISigner? previousSigner = null);

    void Abort(string reason);
}

/// <summary>
/// What readers see (the CLI, and next the HTTP API): runs, findings with filters and paging, control results,
/// evidence by hash with its envelopes, the key chain. Sealed runs only, except the run list.
/// </summary>
public interface IEvidenceReadModel : IDisposable
{
    string Location { get; }

    IReadOnlyList<RunInfo> Runs();

    RunInfo? Run(string id);

    RunInfo? LatestSealedRun();

    IReadOnlyList<RunInfo> SealedRuns();

    /// <summary>Findings of a sealed run, ordered by check, account, region and resource; <paramref name="offset"/>/<paramref name="limit"/> page them.</summary>
    IReadOnlyList<Finding> Findings(string runId, string? controlId = null, FindingStatus? status = null, int offset = 0, int? limit = null);

    IReadOnlyList<string> UnmappedRules(string runId);

    IReadOnlyList<ControlResult> Controls(string runId);

    IReadOnlyList<TargetReport> Targets(string runId);

    int EvidenceCount(string runId);

    /// <summary>A stored payload (canonical bytes) and the envelopes of sealed runs that reference it; null when the store has no such payload.</summary>
    StoredPayload? Evidence(string hash);

    IReadOnlyList<ChainKey> KeyChain();

    DateTimeOffset? LastBeat(string name);
}

/// <summary>A payload with the provenance every sealed run recorded for it.</summary>
public sealed record StoredPayload(string Hash, byte[] Canonical, IReadOnlyList<Envelope> Envelopes);

/// <summary>A manifest as sealed: its canonical bytes, hash, signing key and signature (base64 DER).</summary>
public sealed record SealedManifest(string RunId, long Sequence, byte[] Bytes, string Hash, string KeyId, string Signature);

/// <summary>A sealed run as the index lists it.</summary>
public sealed record SealedRunRow(string Id, long Sequence, string? ManifestHash);

/// <summary>A finding row as stored, with the hash stored beside it and where it is (for messages).</summary>
public sealed record FindingRow(Finding Finding, string StoredHash, string Where);

/// <summary>An envelope row as stored: its hash, its canonical JSON, the payload it describes and where it is.</summary>
public sealed record EnvelopeRow(string Hash, string Json, string EvidenceHash, string Where);

/// <summary>A run's facts the manifest covers, as the source holds them.</summary>
public sealed record RunFacts(RunInfo Run, string ToolVersion, string ConfigHash);

/// <summary>
/// What <see cref="Verifier"/> needs from a store of sealed runs, and nothing of how it is kept: the SQLite index
/// with its packs today; an exported bundle and a PostgreSQL index next. A source checks its own storage
/// (<see cref="VerifyStorage"/>, e.g. every pack byte re-hashed) and answers the rows the manifests are rebuilt from.
/// Problems are reported by throwing <see cref="IntegrityProblem"/> with a message naming what does not hold.
/// </summary>
public interface ISealedRunSource
{
    IReadOnlyList<ChainKey> KeyChain();

    IReadOnlyList<SealedRunRow> SealedRunRows();

    IReadOnlyList<SealedManifest> Manifests();

    /// <summary>Checks the storage itself; returns the payload hashes whose bytes it verified (so they are not read twice).</summary>
    IReadOnlySet<string> VerifyStorage(Action storageUnitVerified);

    /// <summary>Checks one payload a sealed run references (skipped when <see cref="VerifyStorage"/> already verified it).</summary>
    void VerifyEvidence(string runId, string hash);

    IReadOnlyList<FindingRow> FindingRows(string runId);

    IReadOnlyList<EnvelopeRow> EnvelopeRows(string runId);

    RunFacts Facts(string runId);

    IReadOnlyList<ControlResult> Controls(string runId);

    IReadOnlyList<TargetReport> Targets(string runId);
}

/// <summary>Something a store of sealed runs holds does not match what was sealed.</summary>
public sealed class IntegrityProblem(string message) : Exception(message);
