namespace EvidenceCollector.Model;

/// <summary>Check × resource → status, with the evidence it used and the controls it maps to.</summary>
public sealed record Finding
{
    public required string RunId { get; init; }

    public required string CheckId { get; init; }

    public required string Title { get; init; }

    public required Provider Provider { get; init; }

    public required string Account { get; init; }

    public required string Region { get; init; }

    public required string ResourceId { get; init; }

    public required FindingStatus Status { get; init; }

    public required Severity Severity { get; init; }

    public required string Message { get; init; }

    /// <summary>Hashes of the evidence payloads the check read (sorted).</summary>
    public required IReadOnlyList<string> Evidence { get; init; }

    /// <summary>Annex A controls (sorted); empty for an unmapped rule.</summary>
    public required IReadOnlyList<string> Controls { get; init; }

    /// <summary>For per-rule findings: the rule identifier the mapping was looked up by.</summary>
    public string? MappingKey { get; init; }
}

/// <summary>The status of one control in one run, with the counts it was derived from.</summary>
public sealed record ControlResult(
    string ControlId,
    ControlStatus Status,
    int Pass,
    int Fail,
    int Error,
    int NotApplicable,
    IReadOnlyList<string> Checks);

/// <summary>A run: one collection over a set of targets.</summary>
public sealed record RunInfo
{
    public required string Id { get; init; }

    public long? Sequence { get; init; }

    public required RunStatus Status { get; init; }

    public required RunTrigger Trigger { get; init; }

    public required string RequestedBy { get; init; }

    public required RunScope Scope { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public string? Reason { get; init; }

    public string? ManifestHash { get; init; }
}
