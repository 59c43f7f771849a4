using System.ComponentModel.DataAnnotations;
using EvidenceCollector.Model;
using Quartz;

namespace EvidenceCollector.Pipeline.Scheduling;

/// <summary>What a missed fire (the worker was down) does when the worker comes back.</summary>
public enum MisfirePolicy
{
    /// <summary>Run once now for any number of missed fires, then follow the schedule.</summary>
    FireOnce,

    /// <summary>Skip missed fires; wait for the next one.</summary>
    Skip,

    /// <summary>Run every missed fire (catch up).</summary>
    FireAll,
}

/// <summary>The scope of a scheduled run (empty lists: everything).</summary>
public sealed class ScopeOptions
{
    public List<string> Providers { get; set; } = [];

    public List<string> Collectors { get; set; } = [];

    public List<string> Accounts { get; set; } = [];

    public List<string> Regions { get; set; } = [];

    public List<string> Checks { get; set; } = [];

    public List<string> Controls { get; set; } = [];

    public RunScope ToScope() => new()
    {
        Providers = Providers,
        Collectors = Collectors,
        Accounts = Accounts,
        Regions = Regions,
        Checks = Checks,
        Controls = Controls,
    };
}

/// <summary>One entry of <c>Schedules:&lt;name&gt;</c>.</summary>
public sealed class ScheduleOptions
{
    /// <summary>Quartz cron: seconds minutes hours day-of-month month day-of-week [year], e.g. <c>0 0 2 * * ?</c>.</summary>
    public string? Cron { get; set; }

    public ScopeOptions Scope { get; set; } = new();

    /// <summary><c>fire_once</c> (default), <c>skip</c> or <c>fire_all</c>.</summary>
    public string Misfire { get; set; } = "fire_once";

    /// <summary>Cron time zone (IANA id); UTC by default.</summary>
    public string TimeZone { get; set; } = "UTC";

    public MisfirePolicy MisfirePolicy => WireText.Parse<MisfirePolicy>(Misfire);
}

/// <summary>The <c>Schedules</c> section: named schedules.</summary>
public sealed class SchedulesOptions : IValidatableObject
{
    public const string Section = "Schedules";

    public Dictionary<string, ScheduleOptions> Entries { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, schedule) in Entries)
        {
            var key = $"{Section}:{name}";
            if (string.IsNullOrWhiteSpace(schedule.Cron))
            {
                yield return new ValidationResult($"{key}:Cron: required (a Quartz cron expression such as '0 0 2 * * ?')");
            }
            else
            {
                string? problem = null;
                try
                {
                    _ = CronExpression.Parse(schedule.Cron);
                }
                catch (FormatException e)
                {
                    problem = e.Message;
                }

                if (problem is not null)
                {
                    yield return new ValidationResult($"{key}:Cron: '{schedule.Cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {problem}");
                }
            }

            if (!WireText.TryParse<MisfirePolicy>(schedule.Misfire, out _))
            {
                yield return new ValidationResult($"{key}:Misfire: '{schedule.Misfire}' is not one of fire_once, skip, fire_all");
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out _))
            {
                yield return new ValidationResult($"{key}:TimeZone: unknown time zone '{schedule.TimeZone}'");
            }

            foreach (var provider in schedule.Scope.Providers)
            {
                if (!WireText.TryParse<Provider>(provider, out _))
                {
                    yield return new ValidationResult($"{key}:Scope:Providers: unknown provider '{provider}' (aws, azure)");
                }
            }
        }
    }
}

/// <summary>The <c>Host</c> section: the long-running worker.</summary>
public sealed class HostingOptions : IValidatableObject
{
    public const string Section = "Host";

    /// <summary>On SIGTERM, how long a running run may take to finish before it is cancelled and aborted.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the scheduler records that it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>`evidence health` fails when the last heartbeat is older than this.</summary>
    public TimeSpan HeartbeatMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A fire later than this counts as missed and follows the schedule's misfire policy.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ShutdownTimeout < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:ShutdownTimeout: must not be negative, got {ShutdownTimeout}");
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:HeartbeatInterval: must be positive, got {HeartbeatInterval}");
        }

        if (HeartbeatMaxAge <= HeartbeatInterval)
        {
            yield return new ValidationResult($"{Section}:HeartbeatMaxAge: must be longer than Host:HeartbeatInterval ({HeartbeatInterval}), got {HeartbeatMaxAge}");
        }

        if (MisfireThreshold < TimeSpan.FromMilliseconds(100))
        {
            yield return new ValidationResult($"{Section}:MisfireThreshold: must be at least 100 ms, got {MisfireThreshold}");
        }
    }
}
