using System.Text.Json.Nodes;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;

namespace EvidenceCollector.TestHost;

/// <summary>
/// A provider made for tests of the spine: a planner over fixed accounts and regions, a widget collector
/// whose behaviour each test sets, and two checks over widgets. Real store, real pipeline, no cloud.
/// </summary>
public sealed class TestPlanner(IReadOnlyList<string> accounts, IReadOnlyList<string> regions, IReadOnlyList<string>? skippedRegions = null) : ITargetPlanner
{
    public Provider Provider => Provider.Aws;

    public Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken)
    {
        var plan = new TargetPlan();
        foreach (var account in accounts)
        {
            plan.Targets.Add(new PlannedTarget(new Target(Provider.Aws, account, Target.Global), TargetOutcome.Evaluated, null, null));
            foreach (var region in regions)
            {
                plan.Targets.Add(new PlannedTarget(new Target(Provider.Aws, account, region), TargetOutcome.Evaluated, null, null));
            }

            foreach (var region in skippedRegions ?? [])
            {
                plan.Targets.Add(new PlannedTarget(new Target(Provider.Aws, account, region), TargetOutcome.Skipped, $"region {region} is not enabled for account {account}", null));
            }
        }

        return Task.FromResult(plan);
    }
}

/// <summary>What the widget collector does on one target.</summary>
public sealed class WidgetBehaviour
{
    /// <summary>Widgets per (account, region): name → encrypted.</summary>
    public Dictionary<(string Account, string Region), Dictionary<string, bool>> Widgets { get; } = new();

    /// <summary>(account, region) pairs where listing fails with this code.</summary>
    public Dictionary<(string Account, string Region), string> ListErrors { get; } = new();

    /// <summary>(account, region) pairs where the collector says widgets cannot exist, and why.</summary>
    public Dictionary<(string Account, string Region), string> NotApplicable { get; } = new();

    /// <summary>(account, region) pairs where the collector throws.</summary>
    public HashSet<(string Account, string Region)> Throws { get; } = [];

    /// <summary>When set, the collector waits on this before answering (to test cancellation, crashes and overlap).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, only this region waits on <see cref="Gate"/>.</summary>
    public string? GateRegion { get; set; }

    /// <summary>When set, only this account waits on <see cref="Gate"/>.</summary>
    public string? GateAccount { get; set; }

    public Action? OnCollect { get; set; }

    /// <summary>(account, region) pairs where the collector also produces a record of a kind it does not declare.</summary>
    public HashSet<(string Account, string Region)> UndeclaredKind { get; } = [];

    /// <summary>Stream records through the runner's sink (with its backpressure) instead of returning them.</summary>
    public bool Stream { get; set; }

    /// <summary>The number of items in each input <see cref="WidgetEncryptedCheck"/> was handed.</summary>
    public List<int> CheckBatches { get; } = [];

    public int Retained;

    public int InFlight;
    public int MaxInFlight;
}

public sealed class WidgetCollector(WidgetBehaviour behaviour, TimeProvider time) : ICollector
{
    public const string Kind = "aws.test.widget";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.test", "test", false, [Kind]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref behaviour.InFlight);
        int seen;
        while ((seen = behaviour.MaxInFlight) < now && Interlocked.CompareExchange(ref behaviour.MaxInFlight, now, seen) != seen)
        {
        }

        try
        {
            behaviour.OnCollect?.Invoke();
            var key = (context.Target.Account, context.Target.Region);
            var result = behaviour.Stream ? new CollectionResult(context.Emit, context.WaitForRoom) : new CollectionResult();
            if (behaviour.Widgets.TryGetValue(key, out var widgets))
            {
                foreach (var (name, encrypted) in widgets)
                {
                    await result.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                    result.Records.Add(new EvidenceRecord(
                        Kind,
                        $"arn:aws:test:{key.Region}:{key.Account}:widget/{name}",
                        key.Region,
                        new JsonObject { ["Name"] = name, ["Encrypted"] = encrypted, ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "db_password", ["Value"] = "hunter2-very-secret" }) },
                        new Provenance("test", ["ListWidgets"], "https://test.example", $"req-{name}", time.GetUtcNow())));
                }
            }

            if (behaviour.UndeclaredKind.Contains(key))
            {
                result.Records.Add(new EvidenceRecord("aws.test.gadget", $"arn:aws:test:{key.Region}:{key.Account}:gadget/g", key.Region, new JsonObject { ["Name"] = "g" },
                    new Provenance("test", ["ListGadgets"], "https://test.example", "req-g", time.GetUtcNow())));
            }

            Interlocked.Add(ref behaviour.Retained, result.Records.Count);
            if (behaviour.Gate is { } gate && (behaviour.GateRegion is null || behaviour.GateRegion == key.Region) && (behaviour.GateAccount is null || behaviour.GateAccount == key.Account))
            {
                await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (behaviour.Throws.Contains(key))
            {
                throw new InvalidOperationException($"widget service exploded in {key.Region}");
            }

            if (behaviour.NotApplicable.TryGetValue(key, out var reason))
            {
                result.NotApplicable.Add(new NotApplicableNote([Kind], key.Region, reason));
            }

            if (behaviour.ListErrors.TryGetValue(key, out var code))
            {
                result.Errors.Add(new CollectionError([Kind], key.Region, null, code, $"User is not authorized to perform: test:ListWidgets in {key.Region}", "ListWidgets"));
            }

            return result;
        }
        finally
        {
            Interlocked.Decrement(ref behaviour.InFlight);
        }
    }
}

/// <summary>Judges widget by widget (<see cref="CheckMetadata.ItemByItem"/>), and records the batches it is handed.</summary>
public sealed class WidgetEncryptedCheck(WidgetBehaviour behaviour) : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.test.widget_encrypted", "Widgets are encrypted", Severity.High, "Widget",
        "Unencrypted widgets leak.", "Encrypt the widget.", [WidgetCollector.Kind], ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        lock (behaviour.CheckBatches)
        {
            behaviour.CheckBatches.Add(input.Items.Count);
        }

        return input.OfKind(WidgetCollector.Kind).Select(w => CheckResult.Of(w, w.Payload.Bool("Encrypted") == true, "widget is encrypted", "widget is not encrypted"));
    }
}

public sealed class WidgetNamedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.test.widget_named", "Widgets have names", Severity.Low, "Widget",
        "Unnamed widgets cannot be owned.", "Name the widget.", [WidgetCollector.Kind]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        input.OfKind(WidgetCollector.Kind).Select(w => CheckResult.Of(w, !string.IsNullOrEmpty(w.Payload.Str("Name")), "widget is named", "widget has no name"));
}

/// <summary>An account-level check that fails when it sees no widget at all (a fail drawn from absence).</summary>
public sealed class AnyWidgetCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.test.any_widget", "The account has at least one widget", Severity.Medium, "Account",
        "An account without widgets is not monitored.", "Deploy a widget.", [WidgetCollector.Kind]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        input.OfKind(WidgetCollector.Kind).Any()
            ? [new CheckResult($"arn:aws:iam::{input.Account}:root", Target.Global, FindingStatus.Pass, "widgets exist", input.OfKind(WidgetCollector.Kind).Select(w => w.Hash).ToList())]
            : [new CheckResult($"arn:aws:iam::{input.Account}:root", Target.Global, FindingStatus.Fail, "no widget in the account", [])];
}

/// <summary>Writes a mapping folder: the shipped catalogue plus rows for the test checks.</summary>
public static class TestMappings
{
    public static string Write(string directory, string repositoryMappings)
    {
        var folder = Path.Combine(directory, "iso27001-2022");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(repositoryMappings, "iso27001-2022", "annex-a.csv"), Path.Combine(folder, "annex-a.csv"), overwrite: true);
        File.Copy(Path.Combine(repositoryMappings, "iso27001-2022", "crosswalk-2013.csv"), Path.Combine(folder, "crosswalk-2013.csv"), overwrite: true);
        File.WriteAllText(Path.Combine(folder, "check-controls.csv"),
            "check_id,control_id,rationale\n" +
            "aws.test.widget_encrypted,A.8.24,Encryption of widgets is use of cryptography\n" +
            "aws.test.widget_named,A.5.9,Named widgets are inventoried assets\n" +
            "aws.test.any_widget,A.8.16,Widgets monitor the account\n");
        return directory;
    }

    /// <summary>The repository's mappings/ folder, found from the test's output directory.</summary>
    public static string RepositoryMappings()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "mappings", "iso27001-2022", "annex-a.csv");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "EvidenceCollector.sln")))
            {
                return Path.Combine(dir.FullName, "mappings");
            }
        }

        throw new InvalidOperationException("repository mappings/ folder not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The test provider as a module: it speaks for <see cref="Provider.Aws"/> with AWS-shaped target ids; its services are registered by <see cref="TestPipeline"/>.</summary>
public sealed class TestProviderModule : EvidenceCollector.Providers.IProviderModule
{
    public Provider Provider => Provider.Aws;

    public string ConfigurationSection => "Test";

    public string? NotConfigured(Microsoft.Extensions.Configuration.IConfiguration configuration) => null;

    public void AddServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
    }

    public System.Reflection.Assembly CheckAssembly => typeof(TestProviderModule).Assembly;

    public IReadOnlyList<string> RuleTables { get; } = [];

    public string TargetResourceId(string account, string region) =>
        region == Target.Global ? $"arn:aws:iam::{account}:root" : $"arn:aws:ec2:{region}:{account}:region/{region}";

    public StringComparer ResourceIdComparer => StringComparer.Ordinal;
}
