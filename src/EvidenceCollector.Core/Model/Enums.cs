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
    Compliant,
    NonCompliant,
    Incomplete,
    NoAutomatedEvidence,
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
