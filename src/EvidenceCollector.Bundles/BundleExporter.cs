using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Bundles;

/// <summary>What an export wrote: the runs, files and bytes, and the window.</summary>
public sealed record ExportResult(IReadOnlyList<string> Runs, int Files, long Bytes, int EvidenceFiles, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Writes the evidence of a window of sealed runs as one zip (docs/bundle-format.md): every run manifest whole, byte
/// for byte, with its signature; every payload they reference; envelopes and findings as the canonical lines the
/// manifests hash; per-control views, the Statement of Applicability and a self-contained report; the signer keys and
/// key chain; then <c>manifest.json</c> (every other file with its SHA-256 and size), <c>SHA256SUMS</c>, and detached
/// ECDSA P-256 signatures of both. Deterministic: the same runs and parameters give the same entries in the same order
/// with the same timestamps (the window's last seal time); only the <c>*.sig</c> files differ (ECDSA is randomised).
/// Streams: payloads are copied one at a time, rows are read one at a time, the file listing, per-control views and
/// the zip's central directory are spooled to a temporary folder (<see cref="ZipWriter"/>), so memory does not grow
/// with the bundle.
/// </summary>
public static class BundleExporter
{
    public static ExportResult Export(EvidenceStore store, ISigner signer, MappingTable mapping, string mappingsDirectory, string toolVersion, ExportRequest request, Stream output, Action<string>? progress = null)
    {
        var runs = SelectRuns(store, request);
        var ids = runs.Select(r => r.Id).ToList();
        // One run manifest in memory at a time: they grow with their runs.
        SealedManifest ManifestOf(string runId) => store.SealedManifestOf(runId) ?? throw new BundleProblem($"run {runId}: sealed, but its manifest is missing");
        var stamp = runs.Max(r => r.EndedAt!.Value);
        var spool = Directory.CreateTempSubdirectory("evidence-export-").FullName;
        var listing = new StreamWriter(Path.Combine(spool, "files.tsv"), false, new UTF8Encoding(false)) { NewLine = "\n" };
        var (count, bytes) = (0, 0L);
        try
        {
            using var zip = new ZipWriter(output, stamp, spool);

            string Add(string path, Action<Stream> write, bool listed = true)
            {
                using var stream = zip.Open(path);
                using var hashing = new HashingStream(stream);
                write(hashing);
                var hash = hashing.Hex();
                if (listed)
                {
                    // The listing of files goes to a spool file: it grows with the bundle, memory must not.
                    listing.Write(path);
                    listing.Write('\t');
                    listing.Write(hash);
                    listing.Write('\t');
                    listing.WriteLine(hashing.Length64.ToString(CultureInfo.InvariantCulture));
                    count++;
                    bytes += hashing.Length64;
                }

                return hash;
            }

            void AddBytes(string path, byte[] content, bool listed = true) => Add(path, s => s.Write(content), listed);

            // Keys: every signer public key, and the chain records that admit each after the root.
            var chain = store.KeyChain();
            foreach (var key in chain)
            {
                AddBytes(BundleFormat.KeyFile(key.KeyId), Encoding.ASCII.GetBytes(BundleFormat.Pem(key.PublicKey)));
            }

            AddBytes(BundleFormat.KeyChain, Jcs.Canonicalize(new JsonArray(chain.Select(k => (JsonNode)new JsonObject
            {
                ["sequence"] = k.Sequence,
                ["keyId"] = k.KeyId,
                ["publicKey"] = BundleFormat.KeyFile(k.KeyId),
                ["effectiveFrom"] = k.EffectiveFrom,
                ["record"] = k.Record,
                ["signature"] = k.Signature is null ? null : Convert.ToBase64String(k.Signature),
            }).ToArray())));

            // Runs: each sealed manifest byte for byte, and its signature as DER.
            foreach (var run in runs)
            {
                var manifest = ManifestOf(run.Id);
                AddBytes(BundleFormat.RunManifest(run.Id), manifest.Bytes);
                AddBytes(BundleFormat.RunSignature(run.Id), Convert.FromBase64String(manifest.Signature));
            }

            // Payloads, each once, as stored (canonical JSON: its SHA-256 is its name).
            var evidence = 0;
            foreach (var hash in store.StreamEvidenceHashes(ids))
            {
                AddBytes(BundleFormat.Evidence(hash), store.ReadEvidence(hash));
                if (++evidence % 20_000 == 0)
                {
                    progress?.Invoke($"{evidence} evidence files");
                }
            }

            progress?.Invoke($"{evidence} evidence files; envelopes, findings and views of {runs.Count} runs");
            var views = new ControlViews(spool, mapping, request);
            foreach (var run in runs)
            {
                Add(BundleFormat.Envelopes(run.Id), s =>
                {
                    foreach (var row in store.StreamEnvelopes(run.Id))
                    {
                        s.Write(Encoding.UTF8.GetBytes(row.Json));
                        s.WriteByte((byte)'\n');
                    }
                });

                views.Begin(run, store.Controls(run.Id), store.Targets(run.Id));
                var csv = Path.Combine(spool, "findings.csv");
                using (var csvFile = new FileStream(csv, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                using (var csvWriter = FindingsCsv(csvFile))
                {
                    // One pass over the findings: their lines, the CSV (spooled) and the views.
                    Add(BundleFormat.Findings(run.Id), s =>
                    {
                        foreach (var finding in store.StreamFindings(run.Id))
                        {
                            var line = CanonicalForms.FindingBytes(finding);
                            s.Write(line);
                            s.WriteByte((byte)'\n');
                            views.Add(finding, Jcs.Sha256Hex(line));
                            CsvRow(csvWriter, finding);
                        }
                    });
                }

                views.End();
                Add(BundleFormat.FindingsCsv(run.Id), s =>
                {
                    using var spooled = File.OpenRead(csv);
                    spooled.CopyTo(s);
                });
            }

            views.Close();
            foreach (var control in mapping.Controls.Where(c => views.Shown(c.Id)))
            {
                Add(BundleFormat.ControlFile(control.Id), s => views.WriteControl(control, s));
            }

            progress?.Invoke("control views written; statement of applicability");
            var summary = store.ControlEvidence(ids, request.Providers, request.Accounts);
            progress?.Invoke("OSCAL assessment results");
            AddBytes(BundleFormat.Soa, Encoding.UTF8.GetBytes(views.Soa(summary)));
            Add(BundleFormat.Oscal, s => Oscal.Write(s, runs, run =>
            {
                var shown = views.Runs.First(v => v.Run.Id == run.Id).Controls.Where(c => views.Shown(c.ControlId)).ToList();
                var envelopes = store.StreamEnvelopes(run.Id).Select(e => (e.Hash, Envelope: Envelope.Parse(e.Json)))
                    .Where(e => (request.Providers.Count == 0 || request.Providers.Contains(e.Envelope.Provider.ToWire(), StringComparer.OrdinalIgnoreCase)) && (request.Accounts.Count == 0 || request.Accounts.Contains(e.Envelope.Account, StringComparer.OrdinalIgnoreCase)));
                return new Oscal.RunEvidence(run, envelopes, shown, store.StreamControlEnvelopes(run.Id, request.Providers, request.Accounts));
            }, store.StreamEvidenceHashes(ids), mapping, toolVersion, stamp));
            progress?.Invoke("report");
            AddBytes(BundleFormat.Report, Encoding.UTF8.GetBytes(HtmlReport.Render(views, summary, runs, chain, toolVersion, request)));
            foreach (var file in Directory.EnumerateFiles(mappingsDirectory, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                AddBytes("mappings/" + Path.GetRelativePath(mappingsDirectory, file).Replace('\\', '/'), File.ReadAllBytes(file));
            }

            listing.Dispose();
            progress?.Invoke($"manifest of {count} files, checksums and signatures");

            // The bundle manifest, canonical JSON written as it streams (members in RFC 8785 order), then signed by its digest.
            var manifestHash = Add(BundleFormat.Manifest, s => WriteManifest(s, Path.Combine(spool, "files.tsv"), request, runs, ManifestOf, chain, signer, toolVersion), listed: false);
            AddBytes(BundleFormat.ManifestSignature, signer.SignDigest(Convert.FromHexString(manifestHash)), listed: false);
            var sumsHash = Add(BundleFormat.Sums, s =>
            {
                // Every file but itself and the signatures (which are checked with openssl, not sha256sum).
                foreach (var line in File.ReadLines(Path.Combine(spool, "files.tsv")))
                {
                    var parts = line.Split('\t');
                    if (!parts[0].EndsWith(".sig", StringComparison.Ordinal))
                    {
                        s.Write(Encoding.UTF8.GetBytes($"{parts[1]}  {parts[0]}\n"));
                    }
                }

                s.Write(Encoding.UTF8.GetBytes($"{manifestHash}  {BundleFormat.Manifest}\n"));
            }, listed: false);
            AddBytes(BundleFormat.SumsSignature, signer.SignDigest(Convert.FromHexString(sumsHash)), listed: false);
            zip.Finish();
            return new ExportResult(ids, count + 4, bytes, evidence, runs.Min(r => r.EndedAt!.Value), stamp);
        }
        finally
        {
            listing.Dispose();
            Directory.Delete(spool, recursive: true);
        }
    }

    private static void WriteManifest(Stream s, string listing, ExportRequest request, List<RunInfo> runs, Func<string, SealedManifest> manifests, IReadOnlyList<ChainKey> chain, ISigner signer, string toolVersion)
    {
        var writer = new BufferedStream(s, 1 << 16); // not disposed: that would close the entry's stream
        void Raw(string text) => writer.Write(Encoding.UTF8.GetBytes(text));
        void Node(JsonNode? node) => writer.Write(Jcs.Canonicalize(node));
        Raw("{\"files\":[");
        var first = true;
        foreach (var line in File.ReadLines(listing))
        {
            var parts = line.Split('\t');
            Raw(first ? string.Empty : ",");
            Node(new JsonObject { ["path"] = parts[0], ["sha256"] = parts[1], ["size"] = long.Parse(parts[2], CultureInfo.InvariantCulture) });
            first = false;
        }

        Raw("],\"format\":");
        Node(BundleFormat.Format);
        Raw(",\"keys\":");
        Node(new JsonArray(chain.Select(k => (JsonNode)new JsonObject { ["keyId"] = k.KeyId, ["sequence"] = k.Sequence, ["file"] = BundleFormat.KeyFile(k.KeyId) }).ToArray()));
        Raw(",\"parameters\":");
        Node(Parameters(request, runs));
        Raw(",\"runs\":");
        Node(new JsonArray(runs.Select(r =>
        {
            var m = manifests(r.Id);
            return (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["sequence"] = m.Sequence,
                ["sealedAt"] = r.EndedAt!.Value.ToWire(),
                ["manifest"] = BundleFormat.RunManifest(r.Id),
                ["manifestHash"] = m.Hash,
                ["previousManifest"] = PreviousManifest(m.Bytes),
                ["keyId"] = m.KeyId,
                ["signature"] = BundleFormat.RunSignature(r.Id),
            };
        }).ToArray()));
        Raw(",\"signedBy\":");
        Node(signer.KeyId);
        Raw(",\"toolVersion\":");
        Node(toolVersion);
        Raw("}");
        writer.Flush();
    }

    /// <summary>The <c>previousManifest</c> of a run manifest, read without building its (large) tree.</summary>
    private static string? PreviousManifest(byte[] manifest)
    {
        var reader = new System.Text.Json.Utf8JsonReader(manifest);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.ValueTextEquals("previousManifest"))
            {
                reader.Read();
                return reader.TokenType == System.Text.Json.JsonTokenType.Null ? null : reader.GetString();
            }

            if (reader.CurrentDepth == 1 && reader.TokenType is System.Text.Json.JsonTokenType.StartArray or System.Text.Json.JsonTokenType.StartObject)
            {
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>The sealed runs an export covers, in chain order; a request that names none is refused.</summary>
    public static List<RunInfo> SelectRuns(EvidenceStore store, ExportRequest request)
    {
        var sealedRuns = store.SealedRuns().OrderBy(r => r.Sequence).ToList();
        List<RunInfo> runs;
        if (request.RunIds.Count > 0)
        {
            runs = [];
            foreach (var id in request.RunIds)
            {
                runs.Add(sealedRuns.FirstOrDefault(r => r.Id == id) ?? throw new BundleProblem($"--run: no sealed run {id} in {store.Path}"));
            }

            // A window is contiguous: from the first run named to the last, every sealed run between them, so the
            // chain links can be followed across it (a run dropped from the middle is then a finding of verify).
            var (first, last) = (runs.Min(r => r.Sequence), runs.Max(r => r.Sequence));
            runs = sealedRuns.Where(r => r.Sequence >= first && r.Sequence <= last).ToList();
        }
        else if (request.Last is { } last)
        {
            runs = sealedRuns.TakeLast(last).ToList();
        }
        else
        {
            runs = sealedRuns.Where(r => (request.From is null || r.EndedAt >= request.From) && (request.To is null || r.EndedAt <= request.To)).ToList();
        }

        return runs.Count > 0 ? runs : throw new BundleProblem($"no sealed run in {store.Path} matches the export window");
    }

    private static JsonObject Parameters(ExportRequest request, List<RunInfo> runs)
    {
        static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
        return new JsonObject
        {
            ["runs"] = Strings(request.RunIds),
            ["last"] = request.Last,
            ["from"] = request.From?.ToWire(),
            ["to"] = request.To?.ToWire(),
            ["window"] = new JsonObject { ["from"] = runs.Min(r => r.EndedAt!.Value).ToWire(), ["to"] = runs.Max(r => r.EndedAt!.Value).ToWire() },
            ["controls"] = Strings(request.Controls),
            ["providers"] = Strings(request.Providers),
            ["accounts"] = Strings(request.Accounts),
            ["exclusions"] = new JsonArray(request.Exclusions.Select(e => (JsonNode)new JsonObject { ["control"] = e.Control, ["justification"] = e.Justification }).ToArray()),
        };
    }

    private static StreamWriter FindingsCsv(Stream s)
    {
        var writer = new StreamWriter(s, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine("check_id,status,severity,provider,account,region,resource_id,controls,message,evidence");
        return writer;
    }

    private static void CsvRow(StreamWriter writer, Finding f) =>
        writer.WriteLine(string.Join(',', new[] { f.CheckId, f.Status.ToWire(), f.Severity.ToWire(), f.Provider.ToWire(), f.Account, f.Region, f.ResourceId, string.Join(' ', f.Controls), f.Message, string.Join(' ', f.Evidence) }.Select(CsvField)));

    internal static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
