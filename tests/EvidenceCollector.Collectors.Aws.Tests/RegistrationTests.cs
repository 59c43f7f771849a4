using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws.Tests;

public sealed class RegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAwsCollectors(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddAwsCollectors_DefaultConfiguration_RegistersEveryCollectorCheckAndPlanner()
    {
        using var provider = Build([]);

        Assert.Equal(
            ["aws.cloudtrail", "aws.config", "aws.ec2", "aws.iam", "aws.kms", "aws.logs", "aws.rds", "aws.s3"],
            provider.GetServices<ICollector>().Select(c => c.Descriptor.Name).Order());
        Assert.Equal(AwsChecks.All.Count, provider.GetServices<ICheck>().Count());
        Assert.Single(provider.GetServices<ITargetPlanner>());
        Assert.True(provider.GetRequiredService<IOptions<AwsOptions>>().Value.Retry.MaxAttempts >= 8);
        Assert.All(provider.GetServices<ICollector>().Where(c => c.Descriptor.Name is "aws.iam" or "aws.s3"), c => Assert.True(c.Descriptor.Global));
    }

    [Fact]
    public void SdkClients_HaveNoMetricsHandler_ButKeepRetryAndErrorHandling()
    {
        // The SDK's metrics handler formats every error's stack trace for its telemetry; the collector removes it
        // from the SDK clients' pipelines (see WithoutSdkMetrics). Everything else in the pipeline stays.
        using var provider = Build([]);
        var clients = provider.GetRequiredService<EvidenceCollector.Collectors.Aws.Api.AwsClients>();
        var credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret");
        using var s3 = clients.S3(credentials, "eu-west-1");
        using var ec2 = clients.Ec2(credentials, "eu-west-1");
        using var kms = clients.Kms(credentials, "eu-west-1");
        foreach (var client in new Amazon.Runtime.AmazonServiceClient[] { s3, ec2, kms })
        {
            var property = typeof(Amazon.Runtime.AmazonServiceClient).GetProperty("RuntimePipeline", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!;
            var pipeline = (Amazon.Runtime.Internal.RuntimePipeline)property.GetValue(client)!;
            var handlers = pipeline.Handlers.Select(h => h.GetType().Name).ToList();
            Assert.DoesNotContain(nameof(Amazon.Runtime.Internal.MetricsHandler), handlers);
            Assert.Contains(handlers, h => h.Contains("Retry", StringComparison.Ordinal));
            Assert.Contains(handlers, h => h.Contains("ErrorHandler", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_BadRoleArnAndRegion_NamesTheKeys()
    {
        using var provider = Build(new()
        {
            ["Aws:Accounts:0:RoleArn"] = "arn:aws:iam::123:user/bob",
            ["Aws:Regions:0"] = "Europe",
            ["Aws:Retry:MaxAttempts"] = "0",
            ["Aws:ResourcesInFlight"] = "-1",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AwsOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Aws:Accounts:0:RoleArn: not an IAM role ARN", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Aws:Regions:0:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Aws:Retry:MaxAttempts:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Aws:ResourcesInFlight: must be between 0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "32", "64")]
    [InlineData(null, "4", "8")]
    [InlineData("20", "32", "20")]
    public void ResourcesInFlight_DefaultsToTwiceTheCallSlots(string? configured, string calls, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Aws:MaxConcurrentCalls"] = calls };
        if (configured is not null)
        {
            settings["Aws:ResourcesInFlight"] = configured;
        }

        using var provider = Build(settings);
        var clients = provider.GetRequiredService<EvidenceCollector.Collectors.Aws.Api.AwsClients>();

        Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), clients.ResourceSlots.Available);
    }

    [Fact]
    public void Validate_RoleArnsAndOrganizationTogether_IsRejected()
    {
        using var provider = Build(new()
        {
            ["Aws:Accounts:0:RoleArn"] = "arn:aws:iam::123456789012:role/Reader",
            ["Aws:Organization:RoleName"] = "Reader",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AwsOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Aws:Organization:RoleName:", StringComparison.Ordinal));
    }
}
