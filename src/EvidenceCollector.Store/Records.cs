using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>What a writer says about a run when it starts it.</summary>
public sealed record RunStart(RunTrigger Trigger, string RequestedBy, RunScope Scope, string ToolVersion, string ConfigHash);

/// <summary>The provenance envelope of one stored payload; sealed with its run.</summary>
public sealed record Envelope(
    string RunId,
    Provider Provider,
    string Account,
    string TargetRegion,
    string Region,
    string Kind,
    string ResourceId,
    string EvidenceHash,
    string Service,
    IReadOnlyList<string> Operations,
    string? Endpoint,
    string? RequestId,
    DateTimeOffset AnsweredAt,
    string ToolVersion)
{
    public JsonObject ToJson() => new()
    {
        ["runId"] = RunId,
        ["provider"] = Provider.ToWire(),
        ["account"] = Account,
        ["targetRegion"] = TargetRegion,
        ["region"] = Region,
        ["kind"] = Kind,
        ["resourceId"] = ResourceId,
        ["evidenceHash"] = EvidenceHash,
        ["service"] = Service,
        ["operations"] = new JsonArray(Operations.Select(o => (JsonNode)o).ToArray()),
        ["endpoint"] = Endpoint,
        ["requestId"] = RequestId,
        ["answeredAt"] = AnsweredAt.ToWire(),
        ["toolVersion"] = ToolVersion,
    };

    /// <summary>An envelope from its canonical JSON (<see cref="ToJson"/>).</summary>
    public static Envelope Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var o = document.RootElement;
        string? N(string key) => o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string S(string key) => N(key) ?? throw new FormatException($"envelope: no '{key}'");
        return new Envelope(
            S("runId"), WireText.Parse<Provider>(S("provider")), S("account"), S("targetRegion"), S("region"), S("kind"), S("resourceId"), S("evidenceHash"),
            S("service"), o.GetProperty("operations").EnumerateArray().Select(n => n.GetString()!).ToList(), N("endpoint"), N("requestId"),
            WireText.ParseTime(S("answeredAt")), S("toolVersion"));
    }
}

/// <summary>The canonical forms that are hashed: one function each, used by sealing and by verify alike.</summary>
public static class CanonicalForms
{
    public static JsonObject Finding(Finding f)
    {
        var o = new JsonObject
        {
            ["runId"] = f.RunId,
            ["checkId"] = f.CheckId,
            ["title"] = f.Title,
            ["provider"] = f.Provider.ToWire(),
            ["account"] = f.Account,
            ["region"] = f.Region,
            ["resourceId"] = f.ResourceId,
            ["status"] = f.Status.ToWire(),
            ["severity"] = f.Severity.ToWire(),
            ["message"] = f.Message,
            ["evidence"] = Strings(f.Evidence),
            ["controls"] = Strings(f.Controls),
        };
        if (f.MappingKey is not null)
        {
            o["mappingKey"] = f.MappingKey;
        }

        return o;
    }

    /// <summary>The SHA-256 of <see cref="Finding(Model.Finding)"/>'s canonical JSON, written directly (same bytes; a test holds them equal).</summary>
    public static string FindingHash(Finding f) => Jcs.Sha256OfStringMembers(FindingMembers(f));

    /// <summary>The canonical JSON bytes of <see cref="Finding(Model.Finding)"/>, written directly: what <see cref="FindingHash"/> hashes.</summary>
    public static byte[] FindingBytes(Finding f) => Jcs.CanonicalStringMembers(FindingMembers(f));

    private static (string, object?)[] FindingMembers(Finding f)
    {
        (string, object?)[] members =
        [
            ("runId", f.RunId),
            ("checkId", f.CheckId),
            ("title", f.Title),
            ("provider", f.Provider.ToWire()),
            ("account", f.Account),
            ("region", f.Region),
            ("resourceId", f.ResourceId),
            ("status", f.Status.ToWire()),
            ("severity", f.Severity.ToWire()),
            ("message", f.Message),
            ("evidence", f.Evidence),
            ("controls", f.Controls),
            ("mappingKey", f.MappingKey),
        ];
        return f.MappingKey is null ? members[..^1] : members;
    }

    public static JsonObject Scope(RunScope s) => new()
    {
        ["providers"] = Strings(s.Providers),
        ["collectors"] = Strings(s.Collectors),
        ["accounts"] = Strings(s.Accounts),
        ["regions"] = Strings(s.Regions),
        ["checks"] = Strings(s.Checks),
        ["controls"] = Strings(s.Controls),
    };

    public static RunScope ParseScope(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        IReadOnlyList<string> Get(string name) => node[name]?.AsArray().Select(v => v!.GetValue<string>()).ToList() ?? [];
        return new RunScope
        {
            Providers = Get("providers"),
            Collectors = Get("collectors"),
            Accounts = Get("accounts"),
            Regions = Get("regions"),
            Checks = Get("checks"),
            Controls = Get("controls"),
        };
    }

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    public static IReadOnlyList<string> ParseStrings(string json) =>
        JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
