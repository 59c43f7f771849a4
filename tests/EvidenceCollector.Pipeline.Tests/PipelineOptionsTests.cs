using System.ComponentModel.DataAnnotations;
using EvidenceCollector.Pipeline;

namespace EvidenceCollector.Pipeline.Tests;

public sealed class PipelineOptionsTests
{
    [Theory]
    [InlineData("00:00:01", null)]
    [InlineData("00:00:00", null)]
    [InlineData("00:00:00.1", null)]
    [InlineData("00:00:00.001", "Pipeline:NativeHeapTrimInterval: must be zero (off) or at least 00:00:00.1000000 (e.g. 00:00:01), got 00:00:00.0010000")]
    [InlineData("-00:00:01", "Pipeline:NativeHeapTrimInterval: must be zero (off) or at least 00:00:00.1000000 (e.g. 00:00:01), got -00:00:01")]
    public void Validate_NativeHeapTrimInterval_ZeroTurnsItOffTooShortIsNamed(string interval, string? problem)
    {
        var options = new PipelineOptions { NativeHeapTrimInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };

        var problems = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Equal(problem is null ? [] : [problem], problems);
    }
}
