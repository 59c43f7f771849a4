using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>
/// The inputs of a run's manifest, as the store holds them. Sealing and verify both build the manifest
/// from this, so verify re-derives byte for byte what was signed.
/// </summary>
internal sealed record ManifestInput(
    string RunId,
    long Sequence,
    RunTrigger Trigger,
    string RequestedBy,
    RunScope Scope,
    DateTimeOffset StartedAt,
    DateTimeOffset SealedAt,
    string ToolVersion,
    string ConfigHash,
    string KeyId,
    string? PreviousManifest,
    IReadOnlyList<TargetReport> Targets,
    IReadOnlyCollection<string> Evidence,
    IReadOnlyCollection<string> Envelopes,
    IReadOnlyCollection<string> Findings,
    IReadOnlyList<ControlResult> Controls)
{
    public const string Format = "evidencecollector.manifest/1";

    /// <summary>
    /// The manifest's canonical (RFC 8785) bytes, written directly: the three hash lists, which grow with the
    /// estate, are streamed (sorted, distinct) instead of built as a JSON tree. Byte for byte the
    /// canonicalisation of <see cref="ToJson"/> (a test holds them equal).
    /// </summary>
    public byte[] ToCanonicalBytes() => Write(SortedDistinct(Envelopes), SortedDistinct(Evidence), SortedDistinct(Findings));

    private static IEnumerable<string> SortedDistinct(IEnumerable<string> hashes) => hashes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>The same, with the hash lists streamed from elsewhere (already sorted and distinct).</summary>
    public byte[] Write(IEnumerable<string> envelopes, IEnumerable<string> evidence, IEnumerable<string> findings)
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer, envelopes, evidence, findings);
        return buffer.ToArray();
    }

    /// <summary>Writes the canonical manifest to <paramref name="output"/>, streaming the hash lists.</summary>
    public void WriteTo(Stream output, IEnumerable<string> envelopes, IEnumerable<string> evidence, IEnumerable<string> findings)
    {
        var json = ToJson();
        var writer = new BufferedStream(output, 64 * 1024); // not disposed: that would close the caller's stream
        void Raw(string text)
        {
            // Hashes and punctuation (the most of a large manifest) are encoded on the stack, not into an array each.
            if (text.Length <= 80)
            {
                Span<byte> bytes = stackalloc byte[240];
                writer.Write(bytes[..System.Text.Encoding.UTF8.GetBytes(text, bytes)]);
            }
            else
            {
                writer.Write(System.Text.Encoding.UTF8.GetBytes(text));
            }
        }

        void Node(string key) => writer.Write(Jcs.Canonicalize(json[key]));
        void Hashes(IEnumerable<string> hashes)
        {
            Raw("[");
            string? previous = null;
            foreach (var hash in hashes)
            {
                if (!IsHash(hash) || (previous is not null && string.CompareOrdinal(previous, hash) >= 0))
                {
                    throw new InvalidOperationException($"manifest hash lists must be sorted, distinct lowercase SHA-256 hex; got '{hash}' after '{previous}'");
                }

                Raw(previous is null ? "\"" : ",\"");
                Raw(hash);
                Raw("\"");
                previous = hash;
            }

            Raw("]");
        }

        // Members in RFC 8785 order (UTF-16 code units of the names).
        Raw("{\"configHash\":");
        Node("configHash");
        Raw(",\"controls\":");
        Node("controls");
        Raw(",\"envelopes\":");
        Hashes(envelopes);
        Raw(",\"evidence\":");
        Hashes(evidence);
        Raw(",\"findings\":");
        Hashes(findings);
        Raw(",\"format\":");
        Node("format");
        Raw(",\"keyId\":");
        Node("keyId");
        Raw(",\"previousManifest\":");
        Node("previousManifest");
        Raw(",\"run\":");
        Node("run");
        Raw(",\"targets\":");
        Node("targets");
        Raw(",\"toolVersion\":");
        Node("toolVersion");
        Raw("}");
        writer.Flush();
    }

    private static bool IsHash(string text) => text.Length == 64 && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public JsonObject ToJson() => new()
    {
        ["format"] = Format,
        ["run"] = new JsonObject
        {
            ["id"] = RunId,
            ["sequence"] = Sequence,
            ["trigger"] = Trigger.ToWire(),
            ["requestedBy"] = RequestedBy,
            ["scope"] = CanonicalForms.Scope(Scope),
            ["startedAt"] = StartedAt.ToWire(),
            ["sealedAt"] = SealedAt.ToWire(),
        },
        ["toolVersion"] = ToolVersion,
        ["configHash"] = ConfigHash,
        ["keyId"] = KeyId,
        ["previousManifest"] = PreviousManifest,
        ["targets"] = new JsonArray(Targets
            .OrderBy(t => t.Target.Provider).ThenBy(t => t.Target.Account, StringComparer.Ordinal).ThenBy(t => t.Target.Region, StringComparer.Ordinal)
            .Select(t => (JsonNode)new JsonObject
            {
                ["provider"] = t.Target.Provider.ToWire(),
                ["account"] = t.Target.Account,
                ["region"] = t.Target.Region,
                ["outcome"] = t.Outcome.ToWire(),
                ["detail"] = t.Detail,
            }).ToArray()),
        ["evidence"] = Sorted(Evidence),
        ["envelopes"] = Sorted(Envelopes),
        ["findings"] = Sorted(Findings),
        ["controls"] = new JsonArray(Controls.OrderBy(c => c.ControlId, StringComparer.Ordinal).Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.ControlId,
            ["status"] = c.Status.ToWire(),
            ["pass"] = c.Pass,
            ["fail"] = c.Fail,
            ["error"] = c.Error,
            ["notApplicable"] = c.NotApplicable,
        }).ToArray()),
    };

    private static JsonArray Sorted(IEnumerable<string> hashes) =>
        CanonicalForms.Strings(hashes.Distinct(StringComparer.Ordinal).OrderBy(h => h, StringComparer.Ordinal));
}
