using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.Providers;
using EvidenceCollector.TestHost;

namespace EvidenceCollector.Pipeline.Tests.Stages;

/// <summary>The parts the stage tests share: the test provider's registry, its mapping, widget records.</summary>
internal static class StageFixtures
{
    public const string Account = "111111111111";

    public static ProviderRegistry Registry() => new([new TestProviderModule()], new ConfigurationBuilder().Build());

    public static MappingTable Mapping(IEnumerable<ICheck> checks)
    {
        var dir = TestMappings.Write(Path.Combine(Path.GetTempPath(), "ec-stage-mappings-" + Guid.NewGuid().ToString("N")), TestMappings.RepositoryMappings());
        try
        {
            return MappingTable.Load(dir, checks.Select(c => c.Metadata));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static CheckEvaluationContext Context(IEnumerable<ICheck> checks, params CollectorDescriptor[] collectors) =>
        new(Registry(), collectors, Mapping(checks), NullLogger.Instance);

    public static CollectorDescriptor WidgetDescriptor { get; } = new(Provider.Aws, "aws.test", "test", false, [WidgetCollector.Kind]);

    public static Target Region(string region) => new(Provider.Aws, Account, region);

    public static EvidenceRecord Widget(string region, string name, int padding = 0) => new(
        WidgetCollector.Kind,
        $"arn:aws:test:{region}:{Account}:widget/{name}",
        region,
        new JsonObject { ["Name"] = name, ["Encrypted"] = true, ["Padding"] = string.Concat(Enumerable.Repeat("a widget note. ", (padding / 15) + 1)) },
        new Provenance("test", ["ListWidgets"], "https://test.example", $"req-{name}", DateTimeOffset.UnixEpoch));

    public static EvidenceItem Item(string region, string name, bool encrypted, string hash = "h") =>
        new(WidgetCollector.Kind, Account, region, $"arn:aws:test:{region}:{Account}:widget/{name}", hash,
            System.Text.Json.JsonDocument.Parse($$"""{"Name":"{{name}}","Encrypted":{{(encrypted ? "true" : "false")}}}""").RootElement);
}

/// <summary>A check that throws on every input.</summary>
internal sealed class ExplodingCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(Provider.Aws, "aws.test.widget_named", "Explodes", Severity.Low, "Widget", "r", "r", [WidgetCollector.Kind]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => throw new FormatException("the widget payload is not what the check expects");
}

/// <summary>A collector whose behaviour is a delegate, for the scheduling stages.</summary>
internal sealed class DelegateCollector(CollectorDescriptor descriptor, Func<CollectionContext, CancellationToken, Task<CollectionResult>> collect) : ICollector
{
    public CollectorDescriptor Descriptor { get; } = descriptor;

    public Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken) => collect(context, cancellationToken);
}
