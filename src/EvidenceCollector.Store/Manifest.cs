using System.Text.Json.Nodes;
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
