using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline.Stages;
using EvidenceCollector.TestHost;
using static EvidenceCollector.Pipeline.Tests.Stages.StageFixtures;

namespace EvidenceCollector.Pipeline.Tests.Stages;

/// <summary>Collection scheduling, check-group scheduling and control status, each on its own.</summary>
public sealed class SchedulingStageTests
{
    [Fact]
    public async Task Collection_HonoursTheServiceLimit_AndRecordsWhatEachTaskCovered()
    {
        var inFlight = 0;
        var max = 0;
        var collector = new DelegateCollector(WidgetDescriptor, async (context, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref max, now);
            await Task.Delay(30, ct);
            Interlocked.Decrement(ref inFlight);
            var result = new CollectionResult();
            result.Records.Add(Widget(context.Target.Region, "w-" + context.Target.Region));
            return result;
        });
        var regions = Enumerable.Range(0, 12).Select(i => $"region-{i}").ToList();
        var tasks = regions.Select(r => new CollectionTask(collector, new PlannedTarget(Region(r), TargetOutcome.Evaluated, null, null))).ToList();
        var options = new PipelineOptions { MaxConcurrency = 8, ServiceConcurrency = { ["aws.test"] = 3 } };
        var ledger = new CollectionLedger();
        var finished = new ConcurrentBag<CollectionTask>();
        var stored = new ConcurrentBag<PendingEvidence>();
        await using var storage = new EvidenceWriter(stored.Add, 1);

        await new CollectionScheduler(options, ResiliencePipeline.Empty, NullLogger.Instance).RunAsync(tasks, storage, ledger, NullRunProgress.Instance, finished.Add, CancellationToken.None);
        await storage.CompleteAsync();

        Assert.Equal(3, max);
        Assert.Equal(12, finished.Count);
        Assert.Equal(12, stored.Count);
        Assert.Empty(ledger.Errors);
        Assert.All(regions, r => Assert.True(ledger.Covered.ContainsKey((Provider.Aws, Account, r, WidgetCollector.Kind))));
    }

    [Fact]
    public async Task Collection_ACollectorThatThrowsOrTimesOut_IsAnErrorOnAllItsKinds_AndCoversNothing()
    {
        var throwing = new DelegateCollector(WidgetDescriptor, (_, _) => throw new HttpRequestException("connection reset"));
        var slow = new DelegateCollector(new CollectorDescriptor(Provider.Aws, "aws.slow", "slow", false, ["aws.slow.thing", "aws.slow.other"]), async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return new CollectionResult();
        });
        var target = new PlannedTarget(Region("eu-west-1"), TargetOutcome.Evaluated, null, null);
        var options = new PipelineOptions { CollectorTimeout = TimeSpan.FromMilliseconds(100) };
        var pipeline = new ResiliencePipelineBuilder().AddTimeout(options.CollectorTimeout).Build();
        var ledger = new CollectionLedger();
        await using var storage = new EvidenceWriter(_ => { }, 1);

        await new CollectionScheduler(options, pipeline, NullLogger.Instance).RunAsync([new(throwing, target), new(slow, target)], storage, ledger, NullRunProgress.Instance, _ => { }, CancellationToken.None);

        var errors = ledger.Errors.Select(e => e.Error).OrderBy(e => e.Code, StringComparer.Ordinal).ToList();
        Assert.Equal(["HttpRequestException", "Timeout"], errors.Select(e => e.Code));
        Assert.Equal([WidgetCollector.Kind], errors[0].Kinds);
        Assert.Equal(["aws.slow.thing", "aws.slow.other"], errors[1].Kinds);
        Assert.Contains("did not finish within", errors[1].Message, StringComparison.Ordinal);
        Assert.Empty(ledger.Covered);
    }

    [Fact]
    public async Task Collection_ARecordOfAnUndeclaredKind_IsNotStoredButReportedAsACollectorBug()
    {
        var collector = new DelegateCollector(WidgetDescriptor, (context, _) =>
        {
            var result = new CollectionResult();
            result.Records.Add(Widget("eu-west-1", "ok"));
            result.Records.Add(Widget("eu-west-1", "gadget") with { Kind = "aws.test.gadget" });
            return Task.FromResult(result);
        });
        var ledger = new CollectionLedger();
        var stored = new ConcurrentBag<PendingEvidence>();
        await using var storage = new EvidenceWriter(stored.Add, 1);

        await new CollectionScheduler(new PipelineOptions(), ResiliencePipeline.Empty, NullLogger.Instance).RunAsync(
            [new(collector, new PlannedTarget(Region("eu-west-1"), TargetOutcome.Evaluated, null, null))], storage, ledger, NullRunProgress.Instance, _ => { }, CancellationToken.None);
        await storage.CompleteAsync();

        Assert.Equal(["arn:aws:test:eu-west-1:111111111111:widget/ok"], stored.Select(s => s.Record.ResourceId));
        var (_, error) = Assert.Single(ledger.Errors);
        Assert.Equal("UndeclaredKind", error.Code);
        Assert.Equal([WidgetCollector.Kind], error.Kinds);
    }

    [Fact]
    public async Task Groups_AreJudgedWhenTheirLastFeedingTaskFinishes_UnfedOnesAtCompletion_EachOnce()
    {
        var widgets = new DelegateCollector(WidgetDescriptor, (_, _) => Task.FromResult(new CollectionResult()));
        var groups = CheckGroup.Of([new WidgetNamedCheck(), new AnyWidgetCheck(), new GadgetCheck()]);
        Assert.Equal(2, groups.Count);
        var tasks = new[] { "eu-west-1", "us-east-1" }.Select(r => new CollectionTask(widgets, new PlannedTarget(Region(r), TargetOutcome.Evaluated, null, null))).ToList();
        var judged = new ConcurrentQueue<(string Account, string Kinds)>();
        await using var storage = new EvidenceWriter(_ => { }, 1);
        using var scheduler = new CheckGroupScheduler(groups, tasks, storage, (account, group) => judged.Enqueue((account, string.Join(",", group.Kinds))), 8L * 1024 * 1024, CancellationToken.None);

        scheduler.TaskFinished(tasks[0]);
        await Task.Delay(100);
        Assert.Empty(judged);

        scheduler.TaskFinished(tasks[1]);
        await WaitUntil(() => judged.Count == 1);
        Assert.Equal((Account, WidgetCollector.Kind), judged.Single());

        await scheduler.CompleteAsync([(Provider.Aws, Account), (Provider.Aws, "222222222222")]);

        Assert.Equal(
            [(Account, WidgetCollector.Kind), (Account, "aws.test.gadget"), ("222222222222", "aws.test.gadget"), ("222222222222", WidgetCollector.Kind)],
            judged.ToList());
        Assert.Equal(4, scheduler.Evaluated);
    }

    [Fact]
    public async Task Groups_AGroupWithMuchStoredEvidence_WaitsForTheEndOfCollection()
    {
        var widgets = new DelegateCollector(WidgetDescriptor, (_, _) => Task.FromResult(new CollectionResult()));
        var groups = CheckGroup.Of([new WidgetNamedCheck()]);
        var task = new CollectionTask(widgets, new PlannedTarget(Region("eu-west-1"), TargetOutcome.Evaluated, null, null));
        var judged = 0;
        await using var storage = new EvidenceWriter(_ => { }, 1);
        await storage.WriteAsync(Region("eu-west-1"), Widget("eu-west-1", "big", 4096), CancellationToken.None);
        await storage.WhenStoredAsync(Provider.Aws, Account, [WidgetCollector.Kind], CancellationToken.None);
        using var scheduler = new CheckGroupScheduler(groups, [task], storage, (_, _) => Interlocked.Increment(ref judged), overlapBytes: 1024, CancellationToken.None);

        scheduler.TaskFinished(task);
        await Task.Delay(150);
        Assert.Equal(0, judged);

        await scheduler.CompleteAsync([(Provider.Aws, Account)]);
        Assert.Equal(1, judged);
    }

    [Fact]
    public void ControlStatus_NeedsAPass_AllNotApplicableIsNotApplicable_AMappedCheckWithoutFindingsIsIncomplete()
    {
        var checks = new ICheck[] { new WidgetEncryptedCheck(new WidgetBehaviour()), new WidgetNamedCheck(), new AnyWidgetCheck() };
        var stage = new ControlStatusStage(StageFixtures.Mapping(checks));

        stage.Add([Finding("aws.test.widget_encrypted", FindingStatus.Pass, "A.8.24"), Finding("aws.test.widget_encrypted", FindingStatus.NotApplicable, "A.8.24")]);
        stage.Add([Finding("aws.test.widget_named", FindingStatus.NotApplicable, "A.5.9")]);

        var results = stage.Results(checks).ToDictionary(r => r.ControlId);
        Assert.Equal(93, results.Count);
        Assert.Equal(ControlStatus.Compliant, results["A.8.24"].Status);
        Assert.Equal(ControlStatus.NotApplicable, results["A.5.9"].Status);
        Assert.Equal(ControlStatus.Incomplete, results["A.8.16"].Status);
        Assert.Equal(ControlStatus.NoAutomatedEvidence, results["A.5.1"].Status);
        Assert.Equal(1, stage.Counts[FindingStatus.Pass]);
        Assert.Equal(2, stage.Counts[FindingStatus.NotApplicable]);
    }

    private static Finding Finding(string checkId, FindingStatus status, string control) => new()
    {
        RunId = "run-1", CheckId = checkId, Title = checkId, Provider = Provider.Aws, Account = Account, Region = "eu-west-1",
        ResourceId = "r", Status = status, Severity = Severity.Low, Message = "m", Evidence = [], Controls = [control],
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    private sealed class GadgetCheck : ICheck
    {
        public CheckMetadata Metadata { get; } = new(Provider.Aws, "aws.test.gadget_ok", "Gadgets", Severity.Low, "Gadget", "r", "r", ["aws.test.gadget"]);

        public IEnumerable<CheckResult> Evaluate(CheckInput input) => [];
    }
}
