using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Pipeline;

internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Run {RunId} started ({Trigger}, scope {Scope})")]
    public static partial void RunStarted(ILogger logger, string runId, string trigger, string scope);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Run {RunId} sealed as #{Sequence}: {Findings} findings, {Evidence} evidence payloads, manifest {ManifestHash}")]
    public static partial void RunSealed(ILogger logger, string runId, long sequence, int findings, int evidence, string manifestHash);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Run {RunId} aborted: {Reason}")]
    public static partial void RunAborted(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Collector {Collector} on {Target}: {Code}: {Message}")]
    public static partial void CollectionError(ILogger logger, string collector, string target, string code, string message);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Planner for {Provider} failed: {Message}")]
    public static partial void PlannerFailed(ILogger logger, string provider, string message);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Check {CheckId} failed on account {Account}")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string checkId, string account);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Recovered run {RunId}: {Reason}")]
    public static partial void RunRecovered(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Schedule {Schedule} fired (scope {Scope})")]
    public static partial void ScheduleFired(ILogger logger, string schedule, string scope);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Schedule {Schedule} refused: {Message}")]
    public static partial void ScheduleRefused(ILogger logger, string schedule, string message);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "Schedule {Schedule} failed")]
    public static partial void ScheduleFailed(ILogger logger, Exception exception, string schedule);
}
