using EvidenceCollector.Model;

namespace EvidenceCollector.Pipeline;

/// <summary>Live progress of a run, for a terminal display or plain log lines. Calls may come from several threads.</summary>
public interface IRunProgress
{
    void Planned(string runId, int targets, int tasks);

    void CollectorFinished(string collector, Target target, int records, int errors);

    void Phase(string name);
}

public sealed class NullRunProgress : IRunProgress
{
    public static readonly NullRunProgress Instance = new();

    public void Planned(string runId, int targets, int tasks)
    {
    }

    public void CollectorFinished(string collector, Target target, int records, int errors)
    {
    }

    public void Phase(string name)
    {
    }
}
