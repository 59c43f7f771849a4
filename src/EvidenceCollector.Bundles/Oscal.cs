using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Bundles;

/// <summary>
/// <c>oscal/assessment-results.json</c>: OSCAL 1.0.6 assessment results, streamed. One <c>result</c> per run; in it one
/// observation per evidence record (envelope: method TEST, <c>collected</c> = the time of the API answer, its
/// evidence file as relevant evidence), one finding per control with a status in that run (target the control, state
/// <c>satisfied</c> for compliant, <c>not-satisfied</c> for non-compliant and incomplete; not applicable is
/// <c>satisfied</c>; the tool's own status always in the prop <c>status</c> of namespace <see cref="Namespace"/>),
/// <c>reviewed-controls</c> listing all 93, and every evidence file as a back-matter resource whose rlink carries its
/// SHA-256. <c>import-ap</c> points at a back-matter placeholder: the assessment plan is this tool's checks and
/// mapping tables, bundled under <c>mappings/</c>. UUIDs are version 5 over stable ids, so exports are deterministic.
/// </summary>
public static class Oscal
{
    public const string Namespace = "https://evidencecollector.dev/ns/oscal";
    public const string Version = "1.0.6";
    private static readonly Guid Root = new("6f9619ff-8b86-d011-b42d-00cf4fc964ff");

    /// <summary>One run, streamed: its envelopes (with their hashes), its control results, and (control, envelope hash) pairs ordered by control.</summary>
    public sealed record RunEvidence(RunInfo Run, IEnumerable<(string Hash, Envelope Envelope)> Envelopes, IReadOnlyList<ControlResult> Controls, IEnumerable<(string Control, string Envelope)> ControlEnvelopes);

    public static void Write(Stream output, IReadOnlyList<RunInfo> window, Func<RunInfo, RunEvidence> load, IEnumerable<string> evidence, MappingTable mapping, string toolVersion, DateTimeOffset lastModified)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        var plan = Uuid("assessment-plan");
        json.WriteStartObject();
        json.WriteStartObject("assessment-results");
        json.WriteString("uuid", Uuid("assessment-results:" + string.Join(',', window.Select(r => r.Id))));
        json.WriteStartObject("metadata");
        json.WriteString("title", $"EvidenceCollector assessment results, {window.Count} run(s)");
        json.WriteString("last-modified", lastModified.ToWire());
        json.WriteString("version", toolVersion);
        json.WriteString("oscal-version", Version);
        json.WriteEndObject();
        json.WriteStartObject("import-ap");
        json.WriteString("href", $"#{plan}");
        json.WriteString("remarks", "No separate assessment plan document: the plan is this tool's built-in checks and the mapping tables bundled under mappings/ (see the back-matter resource).");
        json.WriteEndObject();
        json.WriteStartArray("results");
        foreach (var run in window.Select(load))
        {
            json.WriteStartObject();
            json.WriteString("uuid", Uuid("result:" + run.Run.Id));
            json.WriteString("title", $"Run #{run.Run.Sequence} ({run.Run.Id})");
            json.WriteString("description", $"Automated collection and checks, trigger {run.Run.Trigger.ToWire()}, requested by {run.Run.RequestedBy}; sealed manifest runs/{run.Run.Id}/manifest.json.");
            json.WriteString("start", run.Run.StartedAt.ToWire());
            if (run.Run.EndedAt is { } end)
            {
                json.WriteString("end", end.ToWire());
            }

            json.WriteStartObject("reviewed-controls");
            json.WriteStartArray("control-selections");
            json.WriteStartObject();
            json.WriteStartArray("include-controls");
            foreach (var control in mapping.Controls)
            {
                json.WriteStartObject();
                json.WriteString("control-id", control.Id);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            var any = false;
            foreach (var (hash, envelope) in run.Envelopes)
            {
                if (!any)
                {
                    json.WriteStartArray("observations");
                    any = true;
                }

                json.WriteStartObject();
                json.WriteString("uuid", Observation(run.Run.Id, hash));
                json.WriteString("title", $"{envelope.Kind} {envelope.ResourceId}");
                json.WriteString("description", $"{envelope.Provider.ToWire()} {envelope.Account} {envelope.Region}: {string.Join("; ", envelope.Operations)} ({envelope.Service}{(envelope.RequestId is null ? string.Empty : $", request {envelope.RequestId}")})");
                json.WriteStartArray("props");
                Prop(json, "kind", envelope.Kind);
                Prop(json, "account", envelope.Account);
                Prop(json, "envelope", hash);
                json.WriteEndArray();
                json.WriteStartArray("methods");
                json.WriteStringValue("TEST");
                json.WriteEndArray();
                json.WriteStartArray("relevant-evidence");
                json.WriteStartObject();
                json.WriteString("href", $"#{Uuid("evidence:" + envelope.EvidenceHash)}");
                json.WriteString("description", $"The API answer as stored: {BundleFormat.Evidence(envelope.EvidenceHash)} (SHA-256 {envelope.EvidenceHash})");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteString("collected", envelope.AnsweredAt.ToWire());
                json.WriteEndObject();
                if (json.BytesPending > 1 << 16)
                {
                    json.Flush();
                }
            }

            if (any)
            {
                json.WriteEndArray();
            }

            var judged = run.Controls.Where(c => c.Status != ControlStatus.NoAutomatedEvidence).OrderBy(c => c.ControlId, StringComparer.Ordinal).ToList();
            using var pairs = new Cursor(run.ControlEnvelopes);
            if (judged.Count > 0)
            {
                json.WriteStartArray("findings");
                foreach (var control in judged)
                {
                    var name = mapping.Controls.FirstOrDefault(c => c.Id == control.ControlId)?.Name ?? control.ControlId;
                    json.WriteStartObject();
                    json.WriteString("uuid", Uuid($"finding:{run.Run.Id}:{control.ControlId}"));
                    json.WriteString("title", $"{control.ControlId} {name}");
                    json.WriteString("description", $"{control.Status.ToWire()}: {control.Pass} pass, {control.Fail} fail, {control.Error} error, {control.NotApplicable} not applicable over checks {string.Join(", ", control.Checks)}; every finding: controls/{control.ControlId}.json.");
                    json.WriteStartObject("target");
                    json.WriteString("type", "objective-id");
                    json.WriteString("target-id", control.ControlId);
                    json.WriteStartArray("props");
                    Prop(json, "status", control.Status.ToWire());
                    json.WriteEndArray();
                    json.WriteStartObject("status");
                    json.WriteString("state", control.Status is ControlStatus.Compliant or ControlStatus.NotApplicable ? "satisfied" : "not-satisfied");
                    json.WriteEndObject();
                    json.WriteEndObject();
                    // The pairs come ordered by control, as the findings are written: one pass over them.
                    var related = new List<string>();
                    while (pairs.Current is { } pair && string.CompareOrdinal(pair.Control, control.ControlId) <= 0)
                    {
                        if (pair.Control == control.ControlId)
                        {
                            related.Add(Observation(run.Run.Id, pair.Envelope));
                        }

                        pairs.Current = pairs.Next();
                    }

                    if (related.Count > 0)
                    {
                        json.WriteStartArray("related-observations");
                        foreach (var uuid in related)
                        {
                            json.WriteStartObject();
                            json.WriteString("observation-uuid", uuid);
                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.Flush();
        }

        json.WriteEndArray();
        json.WriteStartObject("back-matter");
        json.WriteStartArray("resources");
        json.WriteStartObject();
        json.WriteString("uuid", plan);
        json.WriteString("title", "Assessment plan (placeholder)");
        json.WriteString("description", "The checks of this tool version and the mapping tables in force (mappings/ in this bundle) are the assessment plan.");
        json.WriteStartArray("rlinks");
        json.WriteStartObject();
        json.WriteString("href", "../mappings/iso27001-2022/check-controls.csv");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        foreach (var hash in evidence)
        {
            json.WriteStartObject();
            json.WriteString("uuid", Uuid("evidence:" + hash));
            json.WriteString("title", $"Evidence {hash}");
            json.WriteStartArray("rlinks");
            json.WriteStartObject();
            json.WriteString("href", $"../{BundleFormat.Evidence(hash)}");
            json.WriteString("media-type", "application/json");
            json.WriteStartArray("hashes");
            json.WriteStartObject();
            json.WriteString("algorithm", "SHA-256");
            json.WriteString("value", hash);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            if (json.BytesPending > 1 << 16)
            {
                json.Flush();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Observation(string runId, string envelopeHash) => Uuid($"observation:{runId}:{envelopeHash}");

    /// <summary>A forward-only cursor over a stream of pairs.</summary>
    private sealed class Cursor : IDisposable
    {
        private readonly IEnumerator<(string Control, string Envelope)> _items;

        public Cursor(IEnumerable<(string Control, string Envelope)> items)
        {
            _items = items.GetEnumerator();
            Current = Next();
        }

        public (string Control, string Envelope)? Current { get; set; }

        public (string Control, string Envelope)? Next() => _items.MoveNext() ? _items.Current : null;

        public void Dispose() => _items.Dispose();
    }

    private static void Prop(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ns", Namespace);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    /// <summary>A name-based UUID (RFC 4122 version 5, SHA-1) under this tool's namespace.</summary>
    public static string Uuid(string name)
    {
        Span<byte> ns = stackalloc byte[16];
        Root.TryWriteBytes(ns, bigEndian: true, out _);
        var input = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        ns.CopyTo(input);
        Encoding.UTF8.GetBytes(name, input.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
