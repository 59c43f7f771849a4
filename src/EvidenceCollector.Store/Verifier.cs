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
/// only; ignores running / aborted runs and temporary files. Stops at the first broken item. Works on a
/// <see cref="ISealedRunSource"/>: the embedded store's, and next an exported bundle's or a PostgreSQL index's.
/// </summary>
public static class Verifier
{
    public static VerifyReport Verify(EvidenceStore store, string? trustedKeyId = null) => Verify(store.SealedRunSource(), trustedKeyId);

    public static VerifyReport Verify(ISealedRunSource source, string? trustedKeyId = null)
    {
        var counts = new Counts();
        try
        {
            return VerifyCore(source, trustedKeyId, counts);
        }
        catch (IntegrityProblem e)
        {
            return counts.Report(false, e.Message);
        }
        catch (Exception e) when (e is JsonException or FormatException or Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return counts.Report(false, $"the store no longer parses: {e.Message}");
        }
    }

    private static VerifyReport VerifyCore(ISealedRunSource source, string? trustedKeyId, Counts counts)
    {
        var keys = source.KeyChain();
        VerifyKeys(keys, trustedKeyId, counts);

        var sealedRuns = source.SealedRunRows().Select(r => (r.Id, Seq: r.Sequence, Hash: r.ManifestHash)).ToList();
        var manifests = source.Manifests().Select(m => (m.RunId, Seq: m.Sequence, m.Bytes, m.Hash, m.KeyId, m.Signature)).ToList();
        var manifestByRun = manifests.ToDictionary(m => m.RunId, StringComparer.Ordinal);
        foreach (var m in manifests)
        {
            if (!sealedRuns.Any(r => r.Id == m.RunId))
            {
                throw new IntegrityProblem($"manifest {m.Seq} names run {m.RunId}, which is not a sealed run in the index");
            }
        }

        var packed = source.VerifyStorage(() => counts.Packs++);
        string? previousHash = null;
        var verifiedObjects = new HashSet<string>(StringComparer.Ordinal);
        long expectedSeq = 0;
        foreach (var run in sealedRuns)
        {
            expectedSeq++;
            if (!manifestByRun.TryGetValue(run.Id, out var manifest))
            {
                throw new IntegrityProblem($"run {run.Id}: sealed, but its manifest is missing");
            }

            if (run.Seq != expectedSeq || manifest.Seq != expectedSeq)
            {
                throw new IntegrityProblem($"run {run.Id}: chain position expected {expectedSeq}, index says {run.Seq}, manifest row says {manifest.Seq} (a run removed, swapped or replayed)");
            }

            var bytes = manifest.Bytes;
            var actualHash = Jcs.Sha256Hex(bytes);
            if (actualHash != manifest.Hash || actualHash != run.Hash)
            {
                throw new IntegrityProblem($"run {run.Id}: manifest hash expected {run.Hash}, actual {actualHash} (manifest edited)");
            }

            var json = JsonNode.Parse(bytes)!.AsObject();
            var keyId = json["keyId"]!.GetValue<string>();
            var key = keys.LastOrDefault(k => k.EffectiveFrom <= run.Seq)
                ?? throw new IntegrityProblem($"run {run.Id}: no key of the chain covers sequence {run.Seq}");
            if (keyId != key.KeyId || manifest.KeyId != key.KeyId)
            {
                throw new IntegrityProblem($"run {run.Id}: manifest signed by key {keyId}, but the chain's key for sequence {run.Seq} is {key.KeyId} (re-signed with another key)");
            }

            if (!KeyIds.Verify(key.PublicKey, bytes, Convert.FromBase64String(manifest.Signature)))
            {
                throw new IntegrityProblem($"run {run.Id}: manifest signature does not verify with key {key.KeyId}");
            }

            var inManifestSeq = json["run"]!["sequence"]!.GetValue<long>();
            var inManifestId = json["run"]!["id"]!.GetValue<string>();
            if (inManifestSeq != run.Seq || inManifestId != run.Id)
            {
                throw new IntegrityProblem($"run {run.Id}: the signed manifest is run {inManifestId} at sequence {inManifestSeq} (runs reordered, or an old manifest replayed)");
            }

            var linked = json["previousManifest"]?.GetValue<string>();
            if (linked != previousHash)
            {
                throw new IntegrityProblem($"run {run.Id}: previous manifest expected {previousHash ?? "none"}, manifest links {linked ?? "none"} (chain broken: a run removed, swapped or replayed)");
            }

            CheckRows(source, run.Id, json, counts);
            foreach (var hash in json["evidence"]!.AsArray().Select(n => n!.GetValue<string>()))
            {
                if (verifiedObjects.Add(hash))
                {
                    if (!packed.Contains(hash))
                    {
                        source.VerifyEvidence(run.Id, hash);
                    }

                    counts.EvidenceFiles++;
                }
            }

            Rebuild(source, run.Id, run.Seq, json, bytes);
            previousHash = actualHash;
            counts.SealedRuns++;
            counts.Head = actualHash;
        }

        return counts.Report(true, null);
    }

    private static void VerifyKeys(IReadOnlyList<ChainKey> keys, string? trustedKeyId, Counts counts)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (key.Sequence != i + 1)
            {
                throw new IntegrityProblem($"key chain: key {key.KeyId} at position {key.Sequence}, expected {i + 1}");
            }

            if (KeyIds.Of(key.PublicKey) != key.KeyId)
            {
                throw new IntegrityProblem($"key chain: key id {key.KeyId} does not match its public key (SHA-256 {KeyIds.Of(key.PublicKey)})");
            }

            if (i == 0)
            {
                counts.RootKeyId = key.KeyId;
                continue;
            }

            var previous = keys[i - 1];
            if (key.Record is null || key.Signature is null)
            {
                throw new IntegrityProblem($"key chain: key {key.KeyId} has no rotation record signed by {previous.KeyId}");
            }

            var expected = KeyChain.RotationRecord(key.Sequence, previous.KeyId, key.KeyId, key.PublicKey, key.EffectiveFrom, WireText.ParseTime(JsonNode.Parse(key.Record)!["at"]!.GetValue<string>()));
            if (!expected.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(key.Record)))
            {
                throw new IntegrityProblem($"key chain: rotation record of key {key.KeyId} does not match the key it admits");
            }

            if (!KeyIds.Verify(previous.PublicKey, expected, key.Signature))
            {
                throw new IntegrityProblem($"key chain: rotation record of key {key.KeyId} is not signed by the previous key {previous.KeyId}");
            }
        }

        counts.Keys = keys.Count;
        if (trustedKeyId is not null && !string.Equals(trustedKeyId, counts.RootKeyId, StringComparison.OrdinalIgnoreCase))
        {
            throw new IntegrityProblem($"root key {counts.RootKeyId ?? "(none)"} is not the trusted key {trustedKeyId}");
        }
    }

    private static void CheckRows(ISealedRunSource source, string runId, JsonObject manifest, Counts counts)
    {
        var listed = manifest["findings"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var rows = source.FindingRows(runId);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (finding, stored, where) in rows)
        {
            var actual = CanonicalForms.FindingHash(finding);
            if (!listed.Contains(actual))
            {
                throw new IntegrityProblem($"run {runId}: {where} ({finding.CheckId} on {finding.ResourceId}) expected hash {stored}, actual {actual} (row edited)");
            }

            seen.Add(actual);
        }

        foreach (var hash in listed)
        {
            if (!seen.Contains(hash))
            {
                throw new IntegrityProblem($"run {runId}: the manifest lists finding {hash}, but no finding row has it (row deleted)");
            }
        }

        counts.Findings += rows.Count;
        var envelopes = source.EnvelopeRows(runId);
        var listedEnvelopes = manifest["envelopes"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (hash, json, _, where) in envelopes)
        {
            var actual = Jcs.Sha256Hex(Encoding.UTF8.GetBytes(json));
            if (actual != hash || !listedEnvelopes.Contains(actual))
            {
                throw new IntegrityProblem($"run {runId}: {where} expected hash {hash}, actual {actual} (provenance edited)");
            }
        }

        if (envelopes.Count != listedEnvelopes.Count)
        {
            throw new IntegrityProblem($"run {runId}: the manifest lists {listedEnvelopes.Count} envelopes, the index holds {envelopes.Count} (envelope deleted or added)");
        }

        counts.Envelopes += envelopes.Count;
    }

    /// <summary>Rebuilds the manifest from the index rows and compares it with the signed one, naming the first difference.</summary>
    private static void Rebuild(ISealedRunSource source, string runId, long sequence, JsonObject signed, byte[] signedBytes)
    {
        var (run, tool, config) = source.Facts(runId);
        var envelopes = source.EnvelopeRows(runId);
        var findings = source.FindingRows(runId);
        var rebuilt = new ManifestInput(
            runId, sequence, run.Trigger, run.RequestedBy, run.Scope, run.StartedAt, run.EndedAt ?? default, tool, config,
            signed["keyId"]!.GetValue<string>(), signed["previousManifest"]?.GetValue<string>(), source.Targets(runId),
            envelopes.Select(e => e.EvidenceHash).ToList(), envelopes.Select(e => e.Hash).ToList(),
            findings.Select(f => CanonicalForms.FindingHash(f.Finding)).ToList(), source.Controls(runId));
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
                throw new IntegrityProblem($"run {runId}: index rows for '{name}' differ from the signed manifest: expected {Shorten(expected)}, actual {Shorten(actual)}");
            }
        }

        throw new IntegrityProblem($"run {runId}: the signed manifest differs from the one rebuilt from the index");
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..157] + "...";


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
