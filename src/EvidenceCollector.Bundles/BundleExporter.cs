using System.Globalization;
using System.IO.Compression;
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
/// Streams: payloads are copied one at a time, per-control views are spooled to a temporary folder, so memory does not
/// grow with the payload bytes.
/// </summary>
public static class BundleExporter
{
    public static ExportResult Export(EvidenceStore store, ISigner signer, MappingTable mapping, string mappingsDirectory, string toolVersion, ExportRequest request, Stream output, Action<string>? progress = null)
    {
        var runs = SelectRuns(store, request);
        var manifests = store.SealedRunSource().Manifests().ToDictionary(m => m.RunId, StringComparer.Ordinal);
        var stamp = runs.Max(r => r.EndedAt!.Value);
        var files = new List<(string Path, string Hash, long Size)>();
        var spool = Directory.CreateTempSubdirectory("evidence-export-").FullName;
        try
        {
            using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);

            void Add(string path, Action<Stream> write, bool listed = true)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
                entry.LastWriteTime = stamp;
                using var stream = entry.Open();
                using var hashing = new HashingStream(stream);
                write(hashing);
                if (listed)
                {
                    files.Add((path, hashing.Hex(), hashing.Length64));
                }
            }

            void AddBytes(string path, byte[] bytes, bool listed = true) => Add(path, s => s.Write(bytes), listed);

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
            var evidence = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var run in runs)
            {
                var manifest = manifests[run.Id];
                AddBytes(BundleFormat.RunManifest(run.Id), manifest.Bytes);
                AddBytes(BundleFormat.RunSignature(run.Id), Convert.FromBase64String(manifest.Signature));
                foreach (var hash in JsonNode.Parse(manifest.Bytes)!["evidence"]!.AsArray())
                {
                    evidence.Add(hash!.GetValue<string>());
                }
            }

            // Payloads, each once, as stored (canonical JSON: its SHA-256 is its name).
            var done = 0;
            foreach (var hash in evidence)
            {
                AddBytes(BundleFormat.Evidence(hash), store.ReadEvidence(hash));
                if (++done % 10_000 == 0)
                {
                    progress?.Invoke($"{done} of {evidence.Count} evidence files");
                }
            }

            progress?.Invoke($"{evidence.Count} evidence files; envelopes, findings and views of {runs.Count} runs");
            var source = store.SealedRunSource();
            var views = new ControlViews(spool, mapping, request);
            foreach (var run in runs)
            {
                var envelopes = source.EnvelopeRows(run.Id).OrderBy(e => e.Hash, StringComparer.Ordinal).ToList();
                var answeredAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                Add(BundleFormat.Envelopes(run.Id), s =>
                {
                    foreach (var row in envelopes)
                    {
                        s.Write(Encoding.UTF8.GetBytes(row.Json));
                        s.WriteByte((byte)'\n');
                        var at = Envelope.Parse(row.Json).AnsweredAt;
                        if (!answeredAt.TryGetValue(row.EvidenceHash, out var seen) || at > seen)
                        {
                            answeredAt[row.EvidenceHash] = at;
                        }
                    }
                });

                var findings = store.Findings(run.Id);
                Add(BundleFormat.Findings(run.Id), s =>
                {
                    foreach (var finding in findings)
                    {
                        s.Write(Jcs.Canonicalize(CanonicalForms.Finding(finding)));
                        s.WriteByte((byte)'\n');
                    }
                });
                Add(BundleFormat.FindingsCsv(run.Id), s => FindingsCsv(s, findings));
                views.Add(run, store.Controls(run.Id), store.Targets(run.Id), findings, answeredAt);
            }

            views.Close();

            foreach (var control in mapping.Controls.Where(c => request.Controls.Count == 0 || request.Controls.Contains(c.Id, StringComparer.OrdinalIgnoreCase)))
            {
                Add(BundleFormat.ControlFile(control.Id), s => views.WriteControl(control, s));
            }

            AddBytes(BundleFormat.Soa, Encoding.UTF8.GetBytes(views.Soa()));
            Add(BundleFormat.Oscal, s => Oscal.Write(s, runs, run =>
            {
                // One run at a time: its envelopes, and per control the evidence its selected findings cite.
                var byControl = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
                foreach (var f in store.Findings(run.Id).Where(views.InSubset))
                {
                    foreach (var control in f.Controls)
                    {
                        if (!byControl.TryGetValue(control, out var set))
                        {
                            byControl[control] = set = new HashSet<string>(StringComparer.Ordinal);
                        }

                        ((HashSet<string>)set).UnionWith(f.Evidence);
                    }
                }

                var shown = views.Runs.First(v => v.Run.Id == run.Id).Controls.Where(c => views.Shown(c.ControlId)).ToList();
                var envelopes = source.EnvelopeRows(run.Id).OrderBy(e => e.Hash, StringComparer.Ordinal).Select(e => Envelope.Parse(e.Json))
                    .Where(e => (request.Providers.Count == 0 || request.Providers.Contains(e.Provider.ToWire(), StringComparer.OrdinalIgnoreCase)) && (request.Accounts.Count == 0 || request.Accounts.Contains(e.Account, StringComparer.OrdinalIgnoreCase)))
                    .ToList();
                return new Oscal.RunEvidence(run, envelopes, shown, byControl);
            }, mapping, toolVersion, stamp));
            AddBytes(BundleFormat.Report, Encoding.UTF8.GetBytes(HtmlReport.Render(views, runs, chain, toolVersion, request)));
            foreach (var file in Directory.EnumerateFiles(mappingsDirectory, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                AddBytes("mappings/" + Path.GetRelativePath(mappingsDirectory, file).Replace('\\', '/'), File.ReadAllBytes(file));
            }

            // The bundle manifest: every other file, the runs with their chain links, the keys, the parameters.
            var bundle = new JsonObject
            {
                ["format"] = BundleFormat.Format,
                ["toolVersion"] = toolVersion,
                ["signedBy"] = signer.KeyId,
                ["parameters"] = Parameters(request, runs),
                ["runs"] = new JsonArray(runs.Select(r =>
                {
                    var m = manifests[r.Id];
                    var json = JsonNode.Parse(m.Bytes)!;
                    return (JsonNode)new JsonObject
                    {
                        ["id"] = r.Id,
                        ["sequence"] = m.Sequence,
                        ["sealedAt"] = r.EndedAt!.Value.ToWire(),
                        ["manifest"] = BundleFormat.RunManifest(r.Id),
                        ["manifestHash"] = m.Hash,
                        ["previousManifest"] = json["previousManifest"]?.GetValue<string>(),
                        ["keyId"] = m.KeyId,
                        ["signature"] = BundleFormat.RunSignature(r.Id),
                    };
                }).ToArray()),
                ["keys"] = new JsonArray(chain.Select(k => (JsonNode)new JsonObject { ["keyId"] = k.KeyId, ["sequence"] = k.Sequence, ["file"] = BundleFormat.KeyFile(k.KeyId) }).ToArray()),
                ["files"] = new JsonArray(files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["sha256"] = f.Hash, ["size"] = f.Size }).ToArray()),
            };
            var manifestBytes = Jcs.Canonicalize(bundle);
            AddBytes(BundleFormat.Manifest, manifestBytes);
            AddBytes(BundleFormat.ManifestSignature, signer.Sign(manifestBytes), listed: false);
            var sums = new StringBuilder();
            // Every file but itself and the signatures (which are checked with openssl, not sha256sum).
            foreach (var (path, hash, _) in files.Where(f => !f.Path.EndsWith(".sig", StringComparison.Ordinal)))
            {
                sums.Append(hash).Append("  ").Append(path).Append('\n');
            }

            var sumsBytes = Encoding.UTF8.GetBytes(sums.ToString());
            AddBytes(BundleFormat.Sums, sumsBytes, listed: false);
            AddBytes(BundleFormat.SumsSignature, signer.Sign(sumsBytes), listed: false);
            return new ExportResult(runs.Select(r => r.Id).ToList(), files.Count + 3, files.Sum(f => f.Size), evidence.Count, runs.Min(r => r.EndedAt!.Value), stamp);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
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

    private static void FindingsCsv(Stream s, IReadOnlyList<Finding> findings)
    {
        using var writer = new StreamWriter(s, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine("check_id,status,severity,provider,account,region,resource_id,controls,message,evidence");
        foreach (var f in findings)
        {
            writer.WriteLine(string.Join(',', new[] { f.CheckId, f.Status.ToWire(), f.Severity.ToWire(), f.Provider.ToWire(), f.Account, f.Region, f.ResourceId, string.Join(' ', f.Controls), f.Message, string.Join(' ', f.Evidence) }.Select(CsvField)));
        }
    }

    internal static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
