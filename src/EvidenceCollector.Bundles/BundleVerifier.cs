using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Store;

namespace EvidenceCollector.Bundles;

/// <summary>A run of a verified bundle.</summary>
public sealed record BundleRun(string Id, long Sequence, string SealedAt, string ManifestHash, string KeyId);

/// <summary>What <see cref="BundleVerifier"/> checked and found: ok only when <see cref="Problems"/> is empty.</summary>
public sealed record BundleReport(
    IReadOnlyList<string> Problems,
    string? RootKeyId,
    string? SignedBy,
    IReadOnlyList<string> Keys,
    IReadOnlyList<BundleRun> Runs,
    int Files,
    int EvidenceFiles,
    int Findings,
    int Envelopes,
    string? ToolVersion)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Verifies a bundle offline with nothing but the bundle: the key chain and (optionally) the pinned root key; the
/// detached signatures of <c>manifest.json</c> and <c>SHA256SUMS</c>; every file's SHA-256 and size against the manifest,
/// and nothing extra or missing; each run manifest's hash, signature (by the chain's key for its sequence) and its link
/// to the run before it in the window; every envelope and finding line against the hashes its run manifest lists;
/// every evidence file its name's hash; and every reference of a finding or control view present. Each problem names
/// the file it is about.
/// </summary>
public static class BundleVerifier
{
    private const int MaxProblems = 100;

    public static BundleReport Verify(string path, string? trustedKeyId = null)
    {
        var problems = new List<string>();
        void Problem(string text)
        {
            if (problems.Count < MaxProblems)
            {
                problems.Add(text);
            }
        }

        ZipReader zip;
        try
        {
            zip = new ZipReader(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new BundleReport([$"{path}: not a readable zip ({e.Message})"], null, null, [], [], 0, 0, 0, 0, null);
        }

        using (zip)
        {
            var entries = new Dictionary<string, ZipReader.Entry>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (!entries.TryAdd(entry.Name, entry))
                {
                    Problem($"{entry.Name}: present twice in the zip");
                }
            }

            byte[]? Fail(string text)
            {
                Problem(text);
                return null;
            }

            byte[]? Read(string name)
            {
                if (!entries.TryGetValue(name, out var entry))
                {
                    Problem($"{name}: missing");
                    return null;
                }

                if (entry.Size > int.MaxValue)
                {
                    Problem($"{name}: {entry.Size} bytes, too large to be what this format puts there");
                    return null;
                }

                // Read into an array of the entry's own size (no growing buffer): run manifests grow with their runs.
                using var stream = zip.Open(entry);
                var bytes = new byte[entry.Size];
                try
                {
                    stream.ReadExactly(bytes);
                }
                catch (EndOfStreamException)
                {
                    Problem($"{name}: shorter than the {entry.Size} bytes the zip directory says");
                    return null;
                }

                return stream.ReadByte() < 0 ? bytes : Fail($"{name}: longer than the {entry.Size} bytes the zip directory says");
            }

            var manifestBytes = Read(BundleFormat.Manifest);
            var manifestSig = Read(BundleFormat.ManifestSignature);
            var sums = Read(BundleFormat.Sums);
            var sumsSig = Read(BundleFormat.SumsSignature);
            if (manifestBytes is null)
            {
                return new BundleReport(problems, null, null, [], [], entries.Count, 0, 0, 0, null);
            }

            // The bundle manifest is read as a document, not a tree: its file list grows with the bundle.
            JsonDocument document;
            JsonObject manifest;
            try
            {
                document = JsonDocument.Parse(manifestBytes);
                manifest = new JsonObject();
                foreach (var member in document.RootElement.EnumerateObject().Where(m => m.Name != "files"))
                {
                    manifest[member.Name] = JsonNode.Parse(member.Value.GetRawText());
                }

                if (!Jcs.Canonicalize(document.RootElement).AsSpan().SequenceEqual(manifestBytes))
                {
                    Problem($"{BundleFormat.Manifest}: not in canonical form (RFC 8785), so its bytes are not what was signed");
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                Problem($"{BundleFormat.Manifest}: not JSON ({e.Message})");
                return new BundleReport(problems, null, null, [], [], entries.Count, 0, 0, 0, null);
            }

            // Keys and chain.
            var keys = new List<(string KeyId, long Sequence, long EffectiveFrom, byte[] Spki)>();
            var chainBytes = Read(BundleFormat.KeyChain);
            JsonArray chain = [];
            if (chainBytes is not null)
            {
                try
                {
                    chain = JsonNode.Parse(chainBytes)!.AsArray();
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    Problem($"{BundleFormat.KeyChain}: not JSON ({e.Message})");
                }
            }

            foreach (var (node, index) in chain.Select((n, i) => (n!.AsObject(), i)))
            {
                var keyId = node["keyId"]!.GetValue<string>();
                var file = BundleFormat.KeyFile(keyId);
                var pem = Read(file);
                var spki = pem is null ? null : BundleFormat.FromPem(Encoding.ASCII.GetString(pem));
                if (pem is not null && spki is null)
                {
                    Problem($"{file}: not a PEM public key");
                }

                if (spki is null)
                {
                    continue;
                }

                if (KeyIds.Of(spki) != keyId)
                {
                    Problem($"{file}: the key's SHA-256 is {KeyIds.Of(spki)}, not its id {keyId}");
                }

                var sequence = node["sequence"]!.GetValue<long>();
                if (sequence != index + 1)
                {
                    Problem($"{BundleFormat.KeyChain}: key {keyId} at position {sequence}, expected {index + 1}");
                }

                if (index > 0)
                {
                    var previous = keys.Count > 0 ? keys[^1] : default;
                    var record = node["record"]?.GetValue<string>();
                    var signature = node["signature"]?.GetValue<string>();
                    if (record is null || signature is null || previous.Spki is null || !KeyIds.Verify(previous.Spki, Encoding.UTF8.GetBytes(record), Convert.FromBase64String(signature)))
                    {
                        Problem($"{BundleFormat.KeyChain}: key {keyId} is not admitted by a rotation record signed by the key before it");
                    }
                    else
                    {
                        var admitted = JsonNode.Parse(record)!;
                        if (admitted["keyId"]?.GetValue<string>() != keyId || admitted["publicKey"]?.GetValue<string>() != Convert.ToBase64String(spki))
                        {
                            Problem($"{BundleFormat.KeyChain}: the rotation record of key {keyId} admits another key");
                        }
                    }
                }

                keys.Add((keyId, sequence, node["effectiveFrom"]!.GetValue<long>(), spki));
            }

            var root = keys.Count > 0 ? keys[0].KeyId : null;
            if (trustedKeyId is not null && !string.Equals(trustedKeyId, root, StringComparison.OrdinalIgnoreCase))
            {
                Problem($"{BundleFormat.KeyChain}: root key {root ?? "(none)"} is not the trusted key {trustedKeyId}");
            }

            // Signatures of the bundle manifest and of SHA256SUMS, by a key of the chain.
            var signedBy = manifest["signedBy"]?.GetValue<string>();
            var signer = keys.FirstOrDefault(k => k.KeyId == signedBy);
            if (signer.Spki is null)
            {
                Problem($"{BundleFormat.Manifest}: signed by {signedBy ?? "(nobody)"}, which is not a key of the chain");
            }
            else
            {
                if (manifestSig is not null && !KeyIds.Verify(signer.Spki, manifestBytes, manifestSig))
                {
                    Problem($"{BundleFormat.ManifestSignature}: does not verify {BundleFormat.Manifest} with key {signedBy}");
                }

                if (sums is not null && sumsSig is not null && !KeyIds.Verify(signer.Spki, sums, sumsSig))
                {
                    Problem($"{BundleFormat.SumsSignature}: does not verify {BundleFormat.Sums} with key {signedBy}");
                }
            }

            // Files: each listed one present with its hash and size; nothing unlisted. The list is walked in the
            // manifest document (not copied), and the entries seen are marked by reference.
            using var owned = document;
            var files = document.RootElement.TryGetProperty("files", out var f0) && f0.ValueKind == JsonValueKind.Array ? f0 : default;
            var seenEntries = new HashSet<ZipReader.Entry>(ReferenceEqualityComparer.Instance);
            var evidenceFiles = 0;
            foreach (var f in files.ValueKind == JsonValueKind.Array ? files.EnumerateArray() : default)
            {
                var name = f.GetProperty("path").GetString()!;
                var hash = f.GetProperty("sha256").GetString()!;
                var size = f.GetProperty("size").GetInt64();
                if (!entries.TryGetValue(name, out var entry))
                {
                    Problem($"{name}: listed in {BundleFormat.Manifest} but missing (a file was deleted)");
                    continue;
                }

                seenEntries.Add(entry);
                var (actual, length) = Hash(zip, entry, null);
                if (actual != hash || length != size)
                {
                    Problem($"{name}: SHA-256 {actual} ({length} bytes), but {BundleFormat.Manifest} says {hash} ({size} bytes): the file was changed");
                }

                if (name.StartsWith("evidence/", StringComparison.Ordinal))
                {
                    evidenceFiles++;
                    if (name != BundleFormat.Evidence(actual))
                    {
                        Problem($"{name}: its content hashes to {actual}, not to its name");
                    }
                }
            }

            var special = new HashSet<string>(StringComparer.Ordinal) { BundleFormat.Manifest, BundleFormat.ManifestSignature, BundleFormat.Sums, BundleFormat.SumsSignature };
            foreach (var (name, entry) in entries.Where(e => !seenEntries.Contains(e.Value) && !special.Contains(e.Key)))
            {
                Problem($"{name}: not listed in {BundleFormat.Manifest} (a file was added)");
            }

            // Listed and present: a file a run manifest, finding or view refers to must be both.
            bool Listed(string name) => entries.TryGetValue(name, out var e) && seenEntries.Contains(e);

            if (sums is not null)
            {
                // Compared as it would be written, one line at a time.
                using var expected = new MemoryStream();
                foreach (var f in files.ValueKind == JsonValueKind.Array ? files.EnumerateArray() : default)
                {
                    var name = f.GetProperty("path").GetString()!;
                    if (!name.EndsWith(".sig", StringComparison.Ordinal))
                    {
                        expected.Write(Encoding.UTF8.GetBytes($"{f.GetProperty("sha256").GetString()}  {name}\n"));
                    }
                }

                expected.Write(Encoding.UTF8.GetBytes($"{Convert.ToHexStringLower(SHA256.HashData(manifestBytes))}  {BundleFormat.Manifest}\n"));
                if (!expected.GetBuffer().AsSpan(0, (int)expected.Length).SequenceEqual(sums))
                {
                    Problem($"{BundleFormat.Sums}: does not list exactly the bundle's files with their hashes");
                }
            }

            // Runs: manifest hash, signature, sequence and chain link within the window; their lines.
            var runs = new List<BundleRun>();
            var findingHashes = new HashSet<string>(StringComparer.Ordinal);
            var findings = 0;
            var envelopes = 0;
            string? previousHash = null;
            long? previousSequence = null;
            foreach (var r in manifest["runs"]?.AsArray() ?? [])
            {
                var id = r!["id"]!.GetValue<string>();
                var sequence = r["sequence"]!.GetValue<long>();
                var file = BundleFormat.RunManifest(id);
                var bytes = Read(file);
                var sig = Read(BundleFormat.RunSignature(id));
                if (bytes is null || sig is null)
                {
                    continue;
                }

                var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
                if (hash != r["manifestHash"]!.GetValue<string>())
                {
                    Problem($"{file}: SHA-256 {hash}, but {BundleFormat.Manifest} records {r["manifestHash"]!.GetValue<string>()}");
                }

                JsonDocument runDocument;
                JsonObject run;
                try
                {
                    // The run manifest's hash lists grow with the run: they are read from the document, the rest as a small tree.
                    runDocument = JsonDocument.Parse(bytes);
                    run = new JsonObject();
                    foreach (var member in runDocument.RootElement.EnumerateObject().Where(m => m.Name is not ("evidence" or "envelopes" or "findings")))
                    {
                        run[member.Name] = JsonNode.Parse(member.Value.GetRawText());
                    }
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    Problem($"{file}: not JSON ({e.Message})");
                    continue;
                }

                var key = keys.LastOrDefault(k => k.EffectiveFrom <= sequence);
                var keyId = run["keyId"]?.GetValue<string>();
                if (key.Spki is null || keyId != key.KeyId)
                {
                    Problem($"{file}: signed by key {keyId}, but the chain's key for sequence {sequence} is {key.KeyId ?? "(none)"}");
                }
                else if (!KeyIds.Verify(key.Spki, bytes, sig))
                {
                    Problem($"{BundleFormat.RunSignature(id)}: does not verify {file} with key {key.KeyId}");
                }

                if (run["run"]?["id"]?.GetValue<string>() != id || run["run"]?["sequence"]?.GetValue<long>() != sequence)
                {
                    Problem($"{file}: the signed manifest is run {run["run"]?["id"]} at sequence {run["run"]?["sequence"]}, not {id} at {sequence} (runs swapped or reordered)");
                }

                var linked = run["previousManifest"]?.GetValue<string>();
                if (previousSequence is { } p)
                {
                    if (sequence != p + 1)
                    {
                        Problem($"{file}: run at sequence {sequence} follows sequence {p} in the window: {(sequence <= p ? "runs reordered" : "a run is missing from the middle of the window")}");
                    }
                    else if (linked != previousHash)
                    {
                        Problem($"{file}: links previous manifest {linked ?? "none"}, but the run before it in the window is {previousHash} (chain broken)");
                    }
                }

                previousHash = hash;
                previousSequence = sequence;
                runs.Add(new BundleRun(id, sequence, run["run"]?["sealedAt"]?.GetValue<string>() ?? string.Empty, hash, keyId ?? string.Empty));

                using var ownedRun = runDocument;
                foreach (var e in runDocument.RootElement.GetProperty("evidence").EnumerateArray().Select(n => n.GetString()!))
                {
                    if (!Listed(BundleFormat.Evidence(e)))
                    {
                        Problem($"{file}: references evidence {e}, but {BundleFormat.Evidence(e)} is not in the bundle");
                    }
                }

                envelopes += Lines(runDocument.RootElement, "envelopes", BundleFormat.Envelopes(id), zip, entries, Problem, null);
                findings += Lines(runDocument.RootElement, "findings", BundleFormat.Findings(id), zip, entries, Problem, findingHashes);
            }

            if (runs.Count == 0)
            {
                Problem($"{BundleFormat.Manifest}: lists no run");
            }

            // Control views: every finding and evidence file they cite is in the bundle. A view holds one finding per
            // line after its header line, so it is read line by line, never parsed whole.
            foreach (var name in entries.Keys.Where(n => n.StartsWith("controls/", StringComparison.Ordinal) && Listed(n)).Order(StringComparer.Ordinal).ToList())
            {
                using var reader = new StreamReader(zip.Open(entries[name]), Encoding.UTF8);
                reader.ReadLine();
                while (reader.ReadLine() is { } line)
                {
                    var text = line.TrimEnd(',');
                    if (!text.StartsWith('{'))
                    {
                        continue;
                    }

                    JsonNode? f;
                    try
                    {
                        f = JsonNode.Parse(text);
                    }
                    catch (JsonException)
                    {
                        Problem($"{name}: a finding line that is not JSON");
                        continue;
                    }

                    if (!findingHashes.Contains(f!["finding"]?.GetValue<string>() ?? string.Empty))
                    {
                        Problem($"{name}: cites finding {f["finding"]}, which no run's findings file holds");
                    }

                    foreach (var e in f["evidence"]?.AsArray() ?? [])
                    {
                        if (!Listed(e!.GetValue<string>()))
                        {
                            Problem($"{name}: cites {e}, which is not in the bundle");
                        }
                    }
                }
            }

            return new BundleReport(problems, root, signedBy, keys.Select(k => k.KeyId).ToList(), runs, entries.Count, evidenceFiles, findings, envelopes, manifest["toolVersion"]?.GetValue<string>());
        }
    }

    /// <summary>Checks a run's JSONL file against the hash list its manifest signs; returns its line count.</summary>
    /// <summary>
    /// Checks a run's JSONL file against the hash list its manifest signs, streaming its lines (only the run's list is
    /// held, and it shrinks as lines are matched); returns the line count.
    /// </summary>
    private static int Lines(JsonElement run, string list, string file, ZipReader zip, Dictionary<string, ZipReader.Entry> entries, Action<string> problem, HashSet<string>? collect)
    {
        var expected = run.GetProperty(list).EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);
        var total = expected.Count;
        if (!entries.TryGetValue(file, out var entry))
        {
            problem($"{file}: missing, but the run's manifest lists {expected.Count} {list}");
            return 0;
        }

        var index = 0;
        Hash(zip, entry, hash =>
        {
            index++;
            if (!expected.Remove(hash))
            {
                problem($"{file}:{index}: a line the run's manifest does not list, or one present twice (SHA-256 {hash}): edited, added or repeated");
            }

            collect?.Add(hash);
        });

        foreach (var missing in expected.Take(5))
        {
            problem($"{file}: the run's manifest lists {list[..^1]} {missing}, but no line has it (deleted)");
        }

        return index;
    }

    /// <summary>The entry's SHA-256 and length, streamed; with <paramref name="lineHashes"/>, each line's SHA-256 too.</summary>
    private static (string Hash, long Length) Hash(ZipReader zip, ZipReader.Entry entry, Action<string>? lineHashes)
    {
        using var stream = zip.Open(entry);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var line = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        var pending = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            whole.AppendData(buffer, 0, read);
            length += read;
            if (lineHashes is null)
            {
                continue;
            }

            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    line.AppendData(buffer, start, i - start);
                    lineHashes(Convert.ToHexStringLower(line.GetHashAndReset()));
                    start = i + 1;
                    pending = false;
                }
            }

            if (start < read)
            {
                line.AppendData(buffer, start, read - start);
                pending = true;
            }
        }

        if (lineHashes is not null && pending)
        {
            lineHashes(Convert.ToHexStringLower(line.GetHashAndReset()));
        }

        return (Convert.ToHexStringLower(whole.GetHashAndReset()), length);
    }
}
