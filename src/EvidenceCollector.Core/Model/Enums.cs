namespace EvidenceCollector.Model;

/// <summary>A cloud the tool collects from. Written lowercase on the wire (<c>aws</c>, <c>azure</c>).</summary>
public enum Provider
{
    Aws,
    Azure,
}

/// <summary>The outcome of one check on one resource.</summary>
public enum FindingStatus
{
    Pass,
    Fail,
    Error,
    NotApplicable,
}

public enum Severity
{
    Critical,
    High,
    Medium,
    Low,
    Informational,
}

/// <summary>The status of an Annex A control in one run.</summary>
public enum ControlStatus
{
    /// <summary>At least one finding passed, none failed or errored.</summary>
    Compliant,

    /// <summary>At least one finding failed.</summary>
    NonCompliant,

    /// <summary>No failure, but some evidence errored (or no finding was produced at all): not a conclusion.</summary>
    Incomplete,

    /// <summary>No mapped check was in scope.</summary>
    NoAutomatedEvidence,

    /// <summary>Every finding is <c>not_applicable</c>: nothing to evaluate (e.g. no bucket in the account). Never compliant.</summary>
    NotApplicable,
}

public enum Coverage
{
    Automated,
    ManualOnly,
}

public enum RunTrigger
{
    Scheduled,
    OnDemand,
}

public enum RunStatus
{
    Running,
    Sealed,
    Aborted,
}

/// <summary>What happened to one target of a run.</summary>
public enum TargetOutcome
{
    Evaluated,
    Skipped,
    Errored,
}
