namespace EvidenceCollector.Store;

/// <summary>The folder is not an evidence store (a user error: exit 2).</summary>
public sealed class NotAStoreException(string message) : Exception(message);

/// <summary>A run of overlapping scope is in progress (exit 3).</summary>
public sealed class RunRefusedException(string runningRunId, string message) : Exception(message)
{
    public string RunningRunId { get; } = runningRunId;
}

/// <summary>Signing is misconfigured (a user error: exit 2).</summary>
public sealed class SigningException(string message) : Exception(message);
