using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.Providers;
using EvidenceCollector.TestHost;
using static EvidenceCollector.Pipeline.Tests.Stages.StageFixtures;

namespace EvidenceCollector.Pipeline.Tests.Stages;

public sealed class PlanningTests
{
    [Fact]
    public async Task APlannerThatThrows_LeavesAnErroredTargetAndAnErrorForEveryKind()
    {
        var planning = new Planning(Registry(), [new ThrowingPlanner()], NullLogger.Instance);

        var plan = await planning.PlanAsync(RunScope.All, CancellationToken.None);

        var report = Assert.Single(plan.Reports);
        Assert.Equal((new Target(Provider.Aws, "unresolved", Target.Global), TargetOutcome.Errored), (report.Target, report.Outcome));
        Assert.Contains("planning failed: no credentials", report.Detail, StringComparison.Ordinal);
        var (_, error) = Assert.Single(plan.Errors);
        Assert.Equal(["*"], error.Kinds);
        Assert.Equal(("InvalidOperationException", "plan"), (error.Code, error.Operation));
        Assert.Empty(plan.Planned);
    }

    [Fact]
    public async Task AnUnreachableTarget_IsAnError_ATargetOutOfScopeIsNotPlanned()
    {
        var planner = new FixedPlanner(
            new PlannedTarget(Region(Target.Global), TargetOutcome.Evaluated, null, null),
            new PlannedTarget(new Target(Provider.Aws, "222222222222", Target.Global), TargetOutcome.Errored, "AssumeRole denied", null),
            new PlannedTarget(new Target(Provider.Aws, "333333333333", Target.Global), TargetOutcome.Evaluated, null, null));
        var planning = new Planning(Registry(), [planner], NullLogger.Instance);

        var plan = await planning.PlanAsync(new RunScope { Accounts = [Account, "222222222222"] }, CancellationToken.None);

        Assert.Equal([Account, "222222222222"], plan.Planned.Select(t => t.Target.Account));
        var (target, error) = Assert.Single(plan.Errors);
        Assert.Equal(("222222222222", "TargetUnreachable", "AssumeRole denied"), (target.Account, error.Code, error.Message));
        Assert.Equal(["evaluated", "errored"], plan.Reports.Select(r => r.Outcome.ToWire()));
    }

    [Fact]
    public async Task AProviderThatIsNotConfigured_IsListedAsSkippedWithWhatToSet_AndItsPlannerIsNotAsked()
    {
        var registry = new ProviderRegistry([new UnconfiguredModule()], new ConfigurationBuilder().Build());
        var planner = new FixedPlanner(new PlannedTarget(Region(Target.Global), TargetOutcome.Evaluated, null, null));

        var plan = await new Planning(registry, [planner], NullLogger.Instance).PlanAsync(RunScope.All, CancellationToken.None);

        var report = Assert.Single(plan.Reports);
        Assert.Equal(TargetOutcome.Skipped, report.Outcome);
        Assert.Equal("not configured: set Test:Enabled=true", report.Detail);
        Assert.Empty(plan.Planned);
        Assert.Equal(0, planner.Calls);
    }

    [Fact]
    public void Tasks_GlobalCollectorsRunOnTheAccount_RegionalOnesPerRegion_OnlyOnEvaluatedTargets()
    {
        var global = new DelegateCollector(new CollectorDescriptor(Provider.Aws, "aws.g", "g", true, ["aws.g.k"]), (_, _) => Task.FromResult(new CollectionResult()));
        var regional = new DelegateCollector(new CollectorDescriptor(Provider.Aws, "aws.r", "r", false, ["aws.r.k"]), (_, _) => Task.FromResult(new CollectionResult()));
        var plan = new PlanningResult([], [
            new PlannedTarget(Region(Target.Global), TargetOutcome.Evaluated, null, null),
            new PlannedTarget(Region("eu-west-1"), TargetOutcome.Evaluated, null, null),
            new PlannedTarget(Region("me-south-1"), TargetOutcome.Skipped, "not enabled", null),
        ], [], []);

        var tasks = plan.Tasks([global, regional], RunScope.All);
        var onlyRegional = plan.Tasks([global, regional], new RunScope { Collectors = ["r"] });

        Assert.Equal([("aws.g", Target.Global), ("aws.r", "eu-west-1")], tasks.Select(t => (t.Collector.Descriptor.Name, t.Target.Target.Region)));
        Assert.Equal([("aws.r", "eu-west-1")], onlyRegional.Select(t => (t.Collector.Descriptor.Name, t.Target.Target.Region)));
    }

    private sealed class ThrowingPlanner : ITargetPlanner
    {
        public Provider Provider => Provider.Aws;

        public Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken) => throw new InvalidOperationException("no credentials");
    }

    private sealed class FixedPlanner(params PlannedTarget[] targets) : ITargetPlanner
    {
        public int Calls;

        public Provider Provider => Provider.Aws;

        public Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken)
        {
            Calls++;
            var plan = new TargetPlan();
            plan.Targets.AddRange(targets);
            return Task.FromResult(plan);
        }
    }

    private sealed class UnconfiguredModule : IProviderModule
    {
        private readonly TestProviderModule _inner = new();

        public Provider Provider => _inner.Provider;

        public string ConfigurationSection => _inner.ConfigurationSection;

        public string? NotConfigured(IConfiguration configuration) => "set Test:Enabled=true";

        public void AddServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services, IConfiguration configuration)
        {
        }

        public System.Reflection.Assembly CheckAssembly => _inner.CheckAssembly;

        public IReadOnlyList<string> RuleTables => _inner.RuleTables;

        public string TargetResourceId(string account, string region) => _inner.TargetResourceId(account, region);

        public StringComparer ResourceIdComparer => _inner.ResourceIdComparer;
    }
}
