using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>All log messages of the AWS collectors. Never a credential, token or payload value.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Collecting {Collector} in account {Account} region {Region}")]
    public static partial void Collecting(ILogger logger, string collector, string account, string region);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "{Collector} in account {Account} region {Region}: {Operation} failed with {Code}")]
    public static partial void CollectionFailed(ILogger logger, string collector, string account, string region, string operation, string code);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Planned AWS account {Account}: {Regions} regions, {Skipped} skipped")]
    public static partial void AccountPlanned(ILogger logger, string account, int regions, int skipped);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Could not reach AWS account {Account} ({RoleArn}): {Code}")]
    public static partial void AccountUnreachable(ILogger logger, string account, string roleArn, string code);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "AWS throttled {Service} in {Region} (access key ending {AccessKeyEnd}): pacing its requests at {Rate:F1}/s")]
    public static partial void LanePaced(ILogger logger, string service, string region, string accessKeyEnd, double rate);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "AWS planning step {Operation} failed: {Code}")]
    public static partial void PlanningFailed(ILogger logger, string operation, string code);
}
