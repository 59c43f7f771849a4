using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Common;

/// <summary>Log messages of the shared collector code. Never a credential, token or payload value.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Throttled {Service} in {Scope} (principal ending {PrincipalEnd}): pacing its requests at {Rate:F1}/s")]
    public static partial void LanePaced(ILogger logger, string service, string scope, string principalEnd, double rate);
}
