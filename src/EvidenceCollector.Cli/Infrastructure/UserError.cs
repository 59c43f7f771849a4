namespace EvidenceCollector.Cli.Infrastructure;

/// <summary>Process exit codes (README: "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Refused = 3;
}

/// <summary>A problem the user can fix: printed as one line, no stack trace.</summary>
public sealed class UserError(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
