using System.ComponentModel.DataAnnotations;

namespace EvidenceCollector.Pipeline;

/// <summary>Bounds on collection (config section <c>Pipeline</c>).</summary>
public sealed class PipelineOptions : IValidatableObject
{
    public const string Section = "Pipeline";

    /// <summary>Collector tasks in flight at once, across every provider and service.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Per provider or service limits, keyed <c>aws</c>, <c>aws.iam</c>, … (a service key wins over its provider's).</summary>
    public Dictionary<string, int> ServiceConcurrency { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Dedicated threads that redact, canonicalise and durably store evidence while collectors run.</summary>
    public int StorageWriters { get; set; } = 2;

    /// <summary>Time one collector may take on one target before it is cancelled and recorded as an error.</summary>
    public TimeSpan CollectorTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// While a run goes, glibc's malloc gives its freed memory back this often (the host's native heap trim;
    /// Linux only); zero turns it off.
    /// </summary>
    public TimeSpan NativeHeapTrimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The shortest <see cref="NativeHeapTrimInterval"/> allowed: a trim holds malloc's locks while it runs.</summary>
    public static readonly TimeSpan MinimumTrimInterval = TimeSpan.FromMilliseconds(100);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxConcurrency is < 1 or > 256)
        {
            yield return new ValidationResult($"{Section}:MaxConcurrency: must be between 1 and 256, got {MaxConcurrency}", [nameof(MaxConcurrency)]);
        }

        foreach (var (key, value) in ServiceConcurrency)
        {
            if (value is < 1 or > 256)
            {
                yield return new ValidationResult($"{Section}:ServiceConcurrency:{key}: must be between 1 and 256, got {value}", [nameof(ServiceConcurrency)]);
            }
        }

        if (StorageWriters is < 1 or > 16)
        {
            yield return new ValidationResult($"{Section}:StorageWriters: must be between 1 and 16, got {StorageWriters}", [nameof(StorageWriters)]);
        }

        if (NativeHeapTrimInterval != TimeSpan.Zero && NativeHeapTrimInterval < MinimumTrimInterval)
        {
            yield return new ValidationResult($"{Section}:NativeHeapTrimInterval: must be zero (off) or at least {MinimumTrimInterval} (e.g. 00:00:01), got {NativeHeapTrimInterval}", [nameof(NativeHeapTrimInterval)]);
        }

        if (CollectorTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:CollectorTimeout: must be a positive duration (e.g. 00:15:00), got {CollectorTimeout}", [nameof(CollectorTimeout)]);
        }
    }
}
