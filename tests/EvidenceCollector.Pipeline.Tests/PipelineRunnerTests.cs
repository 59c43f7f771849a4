using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Store;
using EvidenceCollector.TestHost;

namespace EvidenceCollector.Pipeline.Tests;

public sealed class PipelineRunnerTests : IDisposable
{
    private const string Account = "111111111111";
    private readonly string _root = Directory.CreateTempSubdirectory("ec-pipe-").FullName;
    private readonly WidgetBehaviour _behaviour = new();

    public PipelineRunnerTests()
    {
        TestMappings.Write(Path.Combine(_root, "mappings"), TestMappings.RepositoryMappings());
        _behaviour.Widgets[(Account, "eu-west-1")] = new() { ["a"] = true, ["b"] = false };
        _behaviour.Widgets[(Account, "us-east-1")] = new() { ["c"] = true };
    }

    private string Data => Path.Combine(_root, "data");

    private async Task<TestRun> RunAsync(RunScope? scope = null, IDictionary<string, string?>? settings = null, IReadOnlyList<string>? regions = null, IReadOnlyList<string>? skipped = null, CancellationToken ct = default)
    {
        using var services = TestPipeline.Build(_behaviour, Path.Combine(_root, "mappings"), regions: regions, skippedRegions: skipped, settings: settings);
        using var store = EvidenceStore.OpenOrCreate(Data);
        var outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "tester", scope ?? RunScope.All), null, ct);
        var findings = store.Findings(outcome.RunId);
        Assert.Equal(outcome.TotalFindings, findings.Count);
        return new TestRun(outcome, findings);
    }

    /// <summary>A run's outcome with its findings read back from the store.</summary>
    private sealed record TestRun(RunOutcome Outcome, IReadOnlyList<Finding> Findings)
    {
        public string RunId => Outcome.RunId;

        public RunStatus Status => Outcome.Status;

        public IReadOnlyList<ControlResult> Controls => Outcome.Controls;

        public IReadOnlyList<TargetReport> Targets => Outcome.Targets;
    }

    [Fact]
    public async Task RunAsync_AnAccountSkippedWhole_IsListedAsSkippedAndNeverJudged()
    {
        // A disabled Azure subscription, say: the planner skips its account-level target. Its checks would see no
        // evidence at all, which a check may read as a pass (nothing bad found); it must not be judged.
        using var services = TestPipeline.Build(_behaviour, Path.Combine(_root, "mappings"), extra: s => s.AddSingleton<ITargetPlanner>(new SkippedAccountPlanner("333333333333")));
        using var store = EvidenceStore.OpenOrCreate(Data);

        var outcome = await services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "tester", RunScope.All), null, CancellationToken.None);

        var findings = store.Findings(outcome.RunId);
        Assert.Contains(findings, f => f.Account == Account);
        Assert.DoesNotContain(findings, f => f.Account == "333333333333");
        Assert.Contains(outcome.Targets, t => t.Target.Account == "333333333333" && t.Outcome == TargetOutcome.Skipped && t.Detail == "subscription state Disabled: not collected");
    }

    private sealed class SkippedAccountPlanner(string account) : ITargetPlanner
    {
        public Provider Provider => Provider.Aws;

        public Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken)
        {
            var plan = new TargetPlan();
            plan.Targets.Add(new PlannedTarget(new Target(Provider.Aws, account, Target.Global), TargetOutcome.Skipped, "subscription state Disabled: not collected", null));
            return Task.FromResult(plan);
        }
    }

    [Fact]
    public async Task RunAsync_ACollectorSaysAKindCannotExist_TheEmptyRegionIsNotApplicableWithItsReason()
    {
        // An unregistered Azure resource provider, say: nothing of the kind can exist, and the finding says why.
        _behaviour.Widgets[(Account, "us-east-1")] = new();
        _behaviour.NotApplicable[(Account, "us-east-1")] = "resource provider Test.Widgets is not registered in the subscription";

        var outcome = await RunAsync();

        var east = Assert.Single(outcome.Findings, f => f.CheckId == "aws.test.widget_encrypted" && f.Region == "us-east-1");
        Assert.Equal(FindingStatus.NotApplicable, east.Status);
        Assert.Equal("resource provider Test.Widgets is not registered in the subscription", east.Message);
        var west = outcome.Findings.Where(f => f.CheckId == "aws.test.widget_encrypted" && f.Region == "eu-west-1").ToList();
        Assert.Equal(2, west.Count);
        Assert.DoesNotContain(west, f => f.Status == FindingStatus.NotApplicable);
    }

    [Fact]
    public async Task RunAsync_HealthyEstate_SealsFindingsMappedToControls()
    {
        var outcome = await RunAsync();
        Assert.Equal(RunStatus.Sealed, outcome.Status);
        var encrypted = outcome.Findings.Where(f => f.CheckId == "aws.test.widget_encrypted").ToList();
        Assert.Equal(3, encrypted.Count);
        Assert.Equal(FindingStatus.Fail, encrypted.Single(f => f.ResourceId.EndsWith("widget/b", StringComparison.Ordinal)).Status);
        Assert.All(encrypted, f => Assert.Equal(["A.8.24"], f.Controls));
        Assert.All(encrypted, f => Assert.Single(f.Evidence));
        Assert.Equal(ControlStatus.NonCompliant, outcome.Controls.Single(c => c.ControlId == "A.8.24").Status);
        Assert.Equal(ControlStatus.Compliant, outcome.Controls.Single(c => c.ControlId == "A.5.9").Status);
        Assert.Equal(ControlStatus.NoAutomatedEvidence, outcome.Controls.Single(c => c.ControlId == "A.5.1").Status);
        Assert.Equal(93, outcome.Controls.Count);
        using var store = EvidenceStore.OpenReadOnly(Data);
        Assert.True(Verifier.Verify(store).Ok);
        Assert.Equal(outcome.Findings.Count, outcome.Outcome.Seal!.Findings);
    }

    [Fact]
    public async Task RunAsync_ItemByItemCheckOverALargeAccount_JudgedInBatchesWithTheSameFindings()
    {
        // 2 500 widgets in one region: the item-by-item check sees them in batches (at most 1 024 items), the
        // checks that look across items see all of them at once, and the findings are what one pass would give:
        // one per widget, an account-level pass, and not_applicable for the covered region without widgets.
        _behaviour.Widgets[(Account, "eu-west-1")] = Enumerable.Range(0, 2500).ToDictionary(i => $"w{i:D4}", i => i % 5 != 0);
        _behaviour.Widgets[(Account, "us-east-1")] = new();

        var outcome = await RunAsync();

        Assert.Equal(RunStatus.Sealed, outcome.Status);
        Assert.True(_behaviour.CheckBatches.Count >= 3, $"batches: {string.Join(",", _behaviour.CheckBatches)}");
        Assert.All(_behaviour.CheckBatches, n => Assert.InRange(n, 1, 1024));
        Assert.Equal(2500, _behaviour.CheckBatches.Sum());
        var encrypted = outcome.Findings.Where(f => f.CheckId == "aws.test.widget_encrypted").ToList();
        Assert.Equal(2500, encrypted.Count(f => f.Region == "eu-west-1"));
        Assert.Equal(500, encrypted.Count(f => f.Status == FindingStatus.Fail));
        Assert.Equal(encrypted.Count(f => f.Region == "eu-west-1"), encrypted.Where(f => f.Region == "eu-west-1").Select(f => f.ResourceId).Distinct().Count());
        var east = Assert.Single(encrypted, f => f.Region == "us-east-1");
        Assert.Equal(FindingStatus.NotApplicable, east.Status);
        Assert.Equal(2500, outcome.Findings.Count(f => f.CheckId == "aws.test.widget_named" && f.Region == "eu-west-1"));
        Assert.Equal(FindingStatus.Pass, Assert.Single(outcome.Findings, f => f.CheckId == "aws.test.any_widget").Status);
        using var store = EvidenceStore.OpenReadOnly(Data);
        Assert.True(Verifier.Verify(store).Ok);
    }

    [Fact]
    public async Task RunAsync_ItemByItemCheckWithNoItems_StillJudgedOnceAndNotApplicable()
    {
        _behaviour.Widgets[(Account, "eu-west-1")] = new();
        _behaviour.Widgets[(Account, "us-east-1")] = new();

        var outcome = await RunAsync();

        Assert.Equal([0], _behaviour.CheckBatches);
        var encrypted = outcome.Findings.Where(f => f.CheckId == "aws.test.widget_encrypted").ToList();
        Assert.Equal(["eu-west-1", "us-east-1"], encrypted.Select(f => f.Region).Order(StringComparer.Ordinal));
        Assert.All(encrypted, f => Assert.Equal(FindingStatus.NotApplicable, f.Status));
    }

    [Fact]
    public async Task RunAsync_AccessDeniedInOneRegion_ErrorFindingsAndIncompleteNeverPass()
    {
        _behaviour.Widgets[(Account, "eu-west-1")] = new() { ["a"] = true };
        _behaviour.Widgets.Remove((Account, "us-east-1"));
        _behaviour.ListErrors[(Account, "us-east-1")] = "AccessDenied";
        var outcome = await RunAsync();
        var east = outcome.Findings.Where(f => f.Region == "us-east-1").ToList();
        Assert.NotEmpty(east);
        Assert.All(east, f => Assert.Equal(FindingStatus.Error, f.Status));
        Assert.Contains(east, f => f.CheckId == "aws.test.widget_encrypted" && f.Message.Contains("AccessDenied: User is not authorized", StringComparison.Ordinal));
        Assert.Contains(east, f => f.CheckId == "aws.test.widget_named");
        Assert.Equal(ControlStatus.Incomplete, outcome.Controls.Single(c => c.ControlId == "A.8.24").Status);
        Assert.Equal(ControlStatus.Incomplete, outcome.Controls.Single(c => c.ControlId == "A.5.9").Status);
        Assert.Contains(outcome.Targets, t => t.Target.Region == "us-east-1" && t.Outcome == TargetOutcome.Errored && t.Detail!.Contains("AccessDenied", StringComparison.Ordinal));
        Assert.Contains(outcome.Targets, t => t.Target.Region == "eu-west-1" && t.Outcome == TargetOutcome.Evaluated);
    }

    [Fact]
    public async Task RunAsync_FailFromAbsenceWhileEvidenceMissing_BecomesError()
    {
        _behaviour.Widgets.Clear();
        _behaviour.ListErrors[(Account, "us-east-1")] = "AccessDenied";
        var outcome = await RunAsync();
        var absence = outcome.Findings.Single(f => f.CheckId == "aws.test.any_widget" && f.Region == "global");
        Assert.Equal(FindingStatus.Error, absence.Status);
        Assert.Contains("could not be collected (AccessDenied)", absence.Message, StringComparison.Ordinal);
        Assert.Equal(ControlStatus.Incomplete, outcome.Controls.Single(c => c.ControlId == "A.8.16").Status);
    }

    [Fact]
    public async Task RunAsync_FailFromAbsenceWithAllEvidence_StaysFail()
    {
        _behaviour.Widgets.Clear();
        var outcome = await RunAsync();
        Assert.Equal(FindingStatus.Fail, outcome.Findings.Single(f => f.CheckId == "aws.test.any_widget").Status);
    }

    [Fact]
    public async Task RunAsync_StreamingCollector_RecordsStoredAsProducedNoneRetained()
    {
        _behaviour.Stream = true;
        _behaviour.Widgets[(Account, "eu-west-1")] = Enumerable.Range(0, 3000).ToDictionary(i => $"w{i:D4}", i => i % 3 != 0);
        var outcome = await RunAsync();
        Assert.Equal(0, _behaviour.Retained);
        Assert.Equal(3001, outcome.Outcome.Seal!.Evidence);
        var encrypted = outcome.Findings.Where(f => f.CheckId == "aws.test.widget_encrypted").ToList();
        Assert.Equal(3001, encrypted.Count);
        Assert.Equal(1000, encrypted.Count(f => f.Status == FindingStatus.Fail));
        using var store = EvidenceStore.OpenReadOnly(Data);
        Assert.True(Verifier.Verify(store).Ok);
    }

    [Fact]
    public async Task RunAsync_AccountCollected_EvaluatedWhileAnotherStillCollects_WithAllItsEvidence()
    {
        const string Slow = "222222222222";
        _behaviour.Stream = true;
        _behaviour.Widgets[(Account, "eu-west-1")] = Enumerable.Range(0, 3000).ToDictionary(i => $"w{i:D4}", i => i % 3 != 0);
        _behaviour.Widgets[(Slow, "eu-west-1")] = new() { ["s"] = true };
        _behaviour.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _behaviour.GateAccount = Slow;
        using var services = TestPipeline.Build(_behaviour, Path.Combine(_root, "mappings"), accounts: [Account, Slow]);
        using var store = EvidenceStore.OpenOrCreate(Data);
        var run = services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "tester", RunScope.All), null, CancellationToken.None);

        // While the slow account's collectors wait, the first account's findings are already in the index.
        using (var index = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Data, EvidenceStore.IndexFile)};Pooling=False"))
        {
            index.Open();
            long Count(string account)
            {
                using var command = index.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM findings WHERE account='{account}' AND check_id='aws.test.widget_encrypted'";
                return (long)command.ExecuteScalar()!;
            }

            // Findings are stored in batches as they are produced: wait for all 3 001 of them, all while the
            // other account still waits.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Count(Account) < 3001 && DateTime.UtcNow < deadline && !run.IsCompleted)
            {
                await Task.Delay(20);
            }

            Assert.False(run.IsCompleted);
            Assert.Equal(3001, Count(Account));
            Assert.Equal(0, Count(Slow));
        }

        _behaviour.Gate.SetResult();
        var outcome = await run;
        var findings = store.Findings(outcome.RunId).Where(f => f.CheckId == "aws.test.widget_encrypted").ToList();
        Assert.Equal(3001, findings.Count(f => f.Account == Account));
        Assert.Equal(1000, findings.Count(f => f.Account == Account && f.Status == FindingStatus.Fail));
        Assert.Equal(2, findings.Count(f => f.Account == Slow));
        Assert.True(Verifier.Verify(store).Ok);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_RecordOfUndeclaredKind_ItsCollectorsChecksAreErrorsNeverPasses(bool stream)
    {
        _behaviour.Stream = stream;
        _behaviour.UndeclaredKind.Add((Account, "eu-west-1"));
        var run = await RunAsync();
        var region = run.Findings.Where(f => f.CheckId == "aws.test.widget_encrypted" && f.Region == "eu-west-1").ToList();
        Assert.Contains(region, f => f.Status == FindingStatus.Error && f.Message.Contains("does not declare", StringComparison.Ordinal));
        Assert.NotEqual(ControlStatus.Compliant, run.Controls.Single(c => c.ControlId == "A.8.24").Status);
        Assert.True(run.Controls.Single(c => c.ControlId == "A.8.24").Error > 0);
        Assert.DoesNotContain(run.Findings, f => f.ResourceId.Contains("gadget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_CollectorThrows_ErrorFindingsForItsChecks()
    {
        _behaviour.Throws.Add((Account, "eu-west-1"));
        var outcome = await RunAsync();
        var west = outcome.Findings.Where(f => f.Region == "eu-west-1").ToList();
        Assert.Equal(3, west.Count);
        Assert.All(west, f => Assert.Equal(FindingStatus.Error, f.Status));
        Assert.All(west, f => Assert.Contains("InvalidOperationException: widget service exploded", f.Message, StringComparison.Ordinal));
        Assert.Equal(ControlStatus.Incomplete, outcome.Controls.Single(c => c.ControlId == "A.5.9").Status);
    }

    [Fact]
    public async Task RunAsync_CollectorTimesOut_ErrorFindingNotPass()
    {
        _behaviour.Gate = new TaskCompletionSource();
        var outcome = await RunAsync(settings: new Dictionary<string, string?> { ["Pipeline:CollectorTimeout"] = "00:00:00.300" });
        Assert.Equal(RunStatus.Sealed, outcome.Status);
        Assert.All(outcome.Findings, f => Assert.Equal(FindingStatus.Error, f.Status));
        Assert.All(outcome.Findings.Where(f => f.CheckId != "aws.test.any_widget"), f => Assert.StartsWith("evidence could not be collected: Timeout", f.Message, StringComparison.Ordinal));
        Assert.Contains("could not be collected (Timeout)", outcome.Findings.Single(f => f.CheckId == "aws.test.any_widget" && f.Region == "global").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EmptyRegion_NotApplicableNoResources()
    {
        var outcome = await RunAsync(regions: ["eu-west-1", "us-east-1", "ap-south-1"]);
        var south = outcome.Findings.Where(f => f.Region == "ap-south-1").ToList();
        Assert.Equal(2, south.Count);
        Assert.All(south, f => Assert.Equal(FindingStatus.NotApplicable, f.Status));
        Assert.All(south, f => Assert.StartsWith("no resources", f.Message, StringComparison.Ordinal));
        Assert.All(south, f => Assert.Equal($"arn:aws:ec2:ap-south-1:{Account}:region/ap-south-1", f.ResourceId));
    }

    [Fact]
    public async Task RunAsync_RegionNotEnabled_NotApplicableWithReason()
    {
        var outcome = await RunAsync(skipped: ["me-south-1"]);
        var skipped = outcome.Findings.Where(f => f.Region == "me-south-1").ToList();
        Assert.Equal(3, skipped.Count);
        Assert.All(skipped, f => Assert.Equal(FindingStatus.NotApplicable, f.Status));
        Assert.All(skipped, f => Assert.Contains("not enabled", f.Message, StringComparison.Ordinal));
        Assert.Contains(outcome.Targets, t => t.Target.Region == "me-south-1" && t.Outcome == TargetOutcome.Skipped);
    }

    [Fact]
    public async Task RunAsync_SecretInTag_NeverReachesTheStore()
    {
        await RunAsync();
        foreach (var file in Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("hunter2-very-secret", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_MaxConcurrency_BoundsCollectorsInFlight()
    {
        var regions = Enumerable.Range(1, 6).Select(i => $"r-{i}").ToList();
        _behaviour.OnCollect = () => SpinWait.SpinUntil(() => Volatile.Read(ref _behaviour.InFlight) >= 2, TimeSpan.FromSeconds(5));
        await RunAsync(regions: regions, settings: new Dictionary<string, string?> { ["Pipeline:MaxConcurrency"] = "2" });
        Assert.Equal(2, _behaviour.MaxInFlight);
    }

    [Fact]
    public async Task RunAsync_ServiceLimit_TighterThanGlobal()
    {
        var regions = Enumerable.Range(1, 4).Select(i => $"r-{i}").ToList();
        await RunAsync(regions: regions, settings: new Dictionary<string, string?> { ["Pipeline:MaxConcurrency"] = "8", ["Pipeline:ServiceConcurrency:aws.test"] = "1" });
        Assert.Equal(1, _behaviour.MaxInFlight);
    }

    [Fact]
    public async Task RunAsync_Cancelled_RunAbortedWithReason()
    {
        _behaviour.Gate = new TaskCompletionSource();
        using var cts = new CancellationTokenSource();
        _behaviour.OnCollect = () => cts.CancelAfter(TimeSpan.FromMilliseconds(100));
        var outcome = await RunAsync(ct: cts.Token);
        Assert.Equal(RunStatus.Aborted, outcome.Status);
        using var store = EvidenceStore.OpenReadOnly(Data);
        var run = store.Run(outcome.RunId)!;
        Assert.Equal(RunStatus.Aborted, run.Status);
        Assert.Contains("cancelled", run.Reason);
        Assert.Null(store.LatestSealedRun());
    }

    [Fact]
    public async Task RunAsync_OverlappingRunInProgress_SecondRefused()
    {
        _behaviour.Gate = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        _behaviour.OnCollect = () => entered.TrySetResult();
        var first = RunAsync();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var behaviour2 = new WidgetBehaviour();
        using var services = TestPipeline.Build(behaviour2, Path.Combine(_root, "mappings"));
        using var store = EvidenceStore.OpenOrCreate(Data);
        var e = await Assert.ThrowsAsync<RunRefusedException>(() => services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "second", RunScope.All), null, CancellationToken.None));
        Assert.Contains("is in progress", e.Message);
        _behaviour.Gate.SetResult();
        Assert.Equal(RunStatus.Sealed, (await first).Status);
    }

    [Fact]
    public async Task RunAsync_ControlScope_OnlyMappedChecksRun()
    {
        var outcome = await RunAsync(new RunScope { Controls = ["A.5.9"] });
        Assert.All(outcome.Findings, f => Assert.Equal("aws.test.widget_named", f.CheckId));
        Assert.Equal(ControlStatus.NoAutomatedEvidence, outcome.Controls.Single(c => c.ControlId == "A.8.24").Status);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
