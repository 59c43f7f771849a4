using System.Text.RegularExpressions;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Mapping;

namespace EvidenceCollector.Collectors.Aws.Tests.Checks;

public sealed partial class CheckConformanceTests
{
    private static readonly string[] Services = ["iam", "cloudtrail", "config", "s3", "kms", "ec2", "rds", "logs"];

    [Fact]
    public void All_BuiltInChecks_AtLeast45WithUniqueWellFormedIds()
    {
        var ids = AwsChecks.All.Where(c => c.Metadata.DynamicMapping is null).Select(c => c.Metadata.Id).ToList();

        Assert.True(ids.Count >= 45, $"only {ids.Count} built-in checks");
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches(IdPattern(), id));
        Assert.All(ids, id => Assert.Contains(id.Split('.')[1], Services));
    }

    [Fact]
    public void All_Checks_HaveCompleteMetadataAndKindsCollectorsProduce()
    {
        var produced = new HashSet<string>(new AwsHarness(new EvidenceCollector.Collectors.Aws.Api.AwsEndpoints(), new AwsOverride(new Amazon.Runtime.AnonymousAWSCredentials(), new Uri("http://127.0.0.1:9/")))
            .Collectors.SelectMany(c => c.Descriptor.Kinds));
        foreach (var check in AwsChecks.All)
        {
            var m = check.Metadata;
            Assert.False(string.IsNullOrWhiteSpace(m.Title), m.Id);
            Assert.False(string.IsNullOrWhiteSpace(m.Rationale), m.Id);
            Assert.False(string.IsNullOrWhiteSpace(m.Remediation), m.Id);
            Assert.False(string.IsNullOrWhiteSpace(m.ResourceType), m.Id);
            Assert.NotEmpty(m.EvidenceKinds);
            Assert.All(m.EvidenceKinds, k => Assert.Contains(k, produced));
        }
    }

    [Fact]
    public void Mapping_EveryAwsCheckHasAControlAndEveryAwsRowIsValid()
    {
        var problems = new List<string>();
        try
        {
            MappingTable.Load(Path.Combine(Repo.Root, "mappings"), AwsChecks.All.Select(c => c.Metadata));
        }
        catch (MappingValidationException e)
        {
            // Rows of other providers are validated with their own checks; only AWS problems count here.
            problems.AddRange(e.Problems.Where(p => p.Contains("'aws.", StringComparison.Ordinal) || p.Contains("aws-config-rules", StringComparison.Ordinal)));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void ConfigRuleTable_HasAtLeast40RulesEachWithRationale()
    {
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, "mappings", "iso27001-2022", "aws-config-rules.csv")).Skip(1).Where(l => l.Length > 0).ToList();

        Assert.True(lines.Select(l => l.Split(',')[0]).Distinct().Count() >= 40);
        Assert.All(lines, l => Assert.False(string.IsNullOrWhiteSpace(l.Split(',', 3)[2])));
    }

    [GeneratedRegex(@"^aws\.[a-z0-9]+\.[a-z0-9_]+$")]
    private static partial Regex IdPattern();
}
