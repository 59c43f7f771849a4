using Amazon.Runtime;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Tests.Support;
using EvidenceCollector.Estate;
using EvidenceCollector.Estate.Aws;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Tests.Collectors;

/// <summary>The real collectors and planner against the emulated estate (real HTTP, real SigV4, small pages).</summary>
public sealed class EstateCollectorTests
{
    private const string Management = "210987654321";
    private const string Prod = "345678901234";
    private const string Dev = "456789012345";

    /// <summary>
    /// The demo's acme-prod account does not enable us-east-1 (on AWS it cannot be disabled), so account-wide
    /// bootstrap calls go to eu-west-1, which every demo account enables.
    /// </summary>
    private static AwsOptions Options()
    {
        var options = AwsHarness.FastOptions();
        options.HomeRegion = "eu-west-1";
        return options;
    }

    private static AWSCredentials Demo => new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey);

    private static AwsOptions Organization()
    {
        var options = Options();
        options.Organization.RoleName = "EvidenceCollectorReadOnly";
        return options;
    }

    [Fact]
    public async Task RunAsync_DemoOrganization_PlansEveryAccountAndRegionAndSkipsDisabledRegions()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, Organization());

        var plan = await harness.Planner.PlanAsync(RunScope.All, CancellationToken.None);

        Assert.Contains(plan.Targets, t => t.Target == new Target(Provider.Aws, Prod, Target.Global) && t.Outcome == TargetOutcome.Evaluated);
        Assert.Contains(plan.Targets, t => t.Target == new Target(Provider.Aws, Prod, "eu-central-1") && t.Outcome == TargetOutcome.Evaluated);
        var skipped = Assert.Single(plan.Targets, t => t.Target == new Target(Provider.Aws, Prod, "me-south-1"));
        Assert.Equal(TargetOutcome.Skipped, skipped.Outcome);
        Assert.Contains("not-opted-in", skipped.Detail, StringComparison.Ordinal);
        Assert.Contains(plan.Records, r => r.Record.Kind == AwsKinds.CallerIdentity && r.Record.Payload["Account"]!.GetValue<string>() == Dev && r.Target == new Target(Provider.Aws, Dev, Target.Global));
    }

    [Fact]
    public async Task PlanAsync_RoleNeedsExternalIdNotGiven_ErrorsOnlyThatAccount()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        var options = Options();
        options.Accounts.Add(new AwsAccountOptions { RoleArn = $"arn:aws:iam::{Dev}:role/ExternalAuditor" });
        options.Accounts.Add(new AwsAccountOptions { RoleArn = $"arn:aws:iam::{Prod}:role/EvidenceCollectorReadOnly" });
        options.Regions.Add("eu-west-1");
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);

        var plan = await harness.Planner.PlanAsync(RunScope.All, CancellationToken.None);

        var errored = Assert.Single(plan.Targets, t => t.Outcome == TargetOutcome.Errored);
        Assert.Equal(Dev, errored.Target.Account);
        Assert.Contains("AccessDenied", errored.Detail, StringComparison.Ordinal);
        Assert.Contains(plan.Targets, t => t.Target == new Target(Provider.Aws, Prod, "eu-west-1") && t.Outcome == TargetOutcome.Evaluated);
    }

    [Fact]
    public async Task RunAsync_DemoOrganization_CollectsEveryPageAndFindsKnownProblems()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.PageSize = 1;
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, Organization());

        var run = await harness.RunAsync();

        Assert.Empty(run.Errors);
        var management = run.For(Management).ToList();
        Assert.Equal(4, management.Count(r => r.Kind == AwsKinds.S3Bucket));
        Assert.Equal(4, management.Count(r => r.Kind == AwsKinds.IamUser));
        Assert.All(management, r => Assert.Equal(TimeSpan.Zero, r.Provenance.AnsweredAt.Offset));

        var findings = Evaluate(Management, management);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Check == "aws.s3.bucket_acl_not_public" && f.Result.ResourceId == "arn:aws:s3:::acme-public-website").Result.Status);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.Check == "aws.s3.bucket_secure_transport_required" && f.Result.ResourceId == "arn:aws:s3:::acme-cloudtrail-logs").Result.Status);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Check == "aws.iam.customer_policy_no_admin" && f.Result.ResourceId.EndsWith("policy/DeployEverything", StringComparison.Ordinal)).Result.Status);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.Check == "aws.cloudtrail.multi_region_trail_logging").Result.Status);
        Assert.Contains(findings, f => f.Check == "aws.ec2.sg_no_internet_ingress_ssh" && f.Result.Status == FindingStatus.Fail);
        Assert.Contains(findings, f => f.Result.CheckId == "aws.config.rule.custom.acme-required-tags");
        Assert.Contains(findings, f => f.Result.MappingKey == "IAM_USER_MFA_ENABLED");

        var prod = Evaluate(Prod, run.For(Prod).ToList());
        Assert.Equal(FindingStatus.Fail, prod.Single(f => f.Check == "aws.iam.root_mfa_enabled").Result.Status);
        Assert.Contains(prod, f => f.Check == "aws.rds.instance_not_public" && f.Result.Status == FindingStatus.Fail);
        Assert.Contains(prod, f => f.Check == "aws.kms.cmk_not_pending_deletion" && f.Result.Status == FindingStatus.Fail);

        var dev = Evaluate(Dev, run.For(Dev).ToList());
        Assert.Equal(FindingStatus.Fail, dev.Single(f => f.Check == "aws.iam.password_policy_minimum_length_14").Result.Status);
        Assert.Equal(FindingStatus.Pass, dev.Single(f => f.Check == "aws.cloudtrail.multi_region_trail_logging").Result.Status); // the organisation trail covers it
        Assert.Equal(FindingStatus.Fail, dev.Single(f => f.Check == "aws.cloudtrail.log_file_validation_enabled" && f.Result.ResourceId.EndsWith(":trail/dev-trail", StringComparison.Ordinal)).Result.Status);
    }

    [Fact]
    public async Task RunAsync_DemoOrganization_ReviewFixesHoldOnRealAnswers()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.PageSize = 1;
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, Organization());

        var run = await harness.RunAsync();

        Assert.Empty(run.Errors);
        var management = run.For(Management).ToList();
        Assert.Equal(2, management.Count(r => r.Kind == AwsKinds.IamGroup));
        Assert.Equal(4, management.Count(r => r.Kind == AwsKinds.IamRole));
        var operators = management.Single(r => r.Kind == AwsKinds.IamGroup && r.ResourceId.EndsWith(":group/Operators", StringComparison.Ordinal));
        Assert.Equal("old-contractor", operators.Payload["Members"]!["Users"]![0]!["UserName"]!.GetValue<string>());
        Assert.Equal("Allow", operators.Payload["InlinePolicies"]!["Policies"]![0]!["PolicyDocument"]!["Statement"]![0]!["Effect"]!.GetValue<string>());
        var findings = Evaluate(Management, management);
        FindingStatus Status(string check, string end) => findings.Single(f => f.Check == check && f.Result.ResourceId.EndsWith(end, StringComparison.Ordinal)).Result.Status;
        Assert.Equal(FindingStatus.Fail, Status("aws.iam.user_no_administrator_access", ":user/old-contractor")); // through the group's NotAction policy
        Assert.Equal(FindingStatus.Fail, Status("aws.iam.user_no_administrator_access", ":user/alice.admin"));
        Assert.Equal(FindingStatus.Pass, Status("aws.iam.user_no_administrator_access", ":user/bob.readonly"));
        Assert.Equal(FindingStatus.Fail, Status("aws.iam.role_no_administrator_access", ":role/BreakGlassAdmin"));
        Assert.Equal(FindingStatus.Pass, Status("aws.iam.role_no_administrator_access", ":role/PlatformPowerUser"));
        Assert.Equal(FindingStatus.NotApplicable, Status("aws.iam.role_no_administrator_access", ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"));
        Assert.Equal(FindingStatus.Pass, Status("aws.cloudtrail.cloudwatch_logs_delivery", ":trail/acme-org-trail"));

        // Config rule results carry their evaluation status and the recorder's: current ones are evidence, on ARNs.
        var rule = management.First(r => r.Kind == AwsKinds.ConfigRule);
        Assert.NotNull(rule.Payload["EvaluationStatus"]!["LastSuccessfulEvaluationTime"]);
        Assert.NotNull(rule.Payload["RecorderStatus"]!["ConfigurationRecordersStatus"]);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Result.CheckId == "aws.config.rule.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED" && f.Result.ResourceId == "arn:aws:s3:::acme-public-website").Result.Status);

        var prod = Evaluate(Prod, run.For(Prod).ToList());
        var stale = prod.Single(f => f.Result.CheckId == "aws.config.rule.ROOT_ACCOUNT_MFA_ENABLED");
        Assert.Equal(FindingStatus.Error, stale.Result.Status);
        Assert.Contains("stale", stale.Result.Message, StringComparison.Ordinal);
        Assert.Equal($"arn:aws:iam::{Prod}:root", stale.Result.ResourceId);
        var orders = run.For(Prod).Single(r => r.Kind == AwsKinds.RdsDbInstance && r.ResourceId.EndsWith(":db:prod-orders", StringComparison.Ordinal));
        Assert.Equal("prod-orders-cluster", orders.Payload["DBCluster"]!["DBClusterIdentifier"]!.GetValue<string>());
        Assert.Equal(FindingStatus.Pass, prod.Single(f => f.Check == "aws.rds.instance_backup_retention_7_days" && f.Result.ResourceId.EndsWith(":db:prod-orders", StringComparison.Ordinal)).Result.Status);
        Assert.Equal(FindingStatus.Pass, prod.Single(f => f.Check == "aws.rds.instance_deletion_protection" && f.Result.ResourceId.EndsWith(":db:prod-orders", StringComparison.Ordinal)).Result.Status);
        Assert.Equal(FindingStatus.Fail, prod.Single(f => f.Check == "aws.iam.role_no_administrator_access" && f.Result.ResourceId.EndsWith(":role/OrganizationAccountAccessRole", StringComparison.Ordinal)).Result.Status);
    }

    [Fact]
    public async Task CollectAsync_HeavyThrottling_RetriesUntilComplete()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.SetThrottle("iam", requestsPerSecond: 200, burst: 2);
        server.Switches.SetThrottle("ec2", requestsPerSecond: 200, burst: 2);
        server.Switches.SetThrottle("s3", requestsPerSecond: 200, burst: 2);
        var options = Options();
        options.Regions.Add("eu-west-1");
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);

        var run = await harness.RunAsync();

        Assert.Empty(run.Errors);
        Assert.True(server.Stats.Throttled > 0, "the estate never throttled");
        Assert.Contains(run.Records, r => r.Kind == AwsKinds.IamCredentialReport);
        Assert.Contains(run.Records, r => r.Kind == AwsKinds.Ec2SecurityGroup);
    }

    [Fact]
    public async Task AdaptiveRateLimiting_ThrottledServices_ArePacedByBothClientsNotHammered()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.SetThrottle("kms", requestsPerSecond: 50, burst: 5);
        server.Switches.SetThrottle("iam", requestsPerSecond: 50, burst: 5);
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, Options());
        var governor = harness.Governor;
        var session = (await harness.Planner.PlanAsync(new RunScope { Accounts = [Management] }, CancellationToken.None)).Targets.First().Session as EvidenceCollector.Collectors.Aws.Api.AwsSession;
        var kms = harness.Clients.Kms(session!.Credentials, "eu-west-1");
        var answered = server.Stats.Answered;
        var throttled = server.Stats.Throttled;

        // 16 callers, 150 KMS calls through the SDK client and 150 IAM calls through the signed client: about three
        // seconds at 50/s each, so even a slow machine sends faster than the estate admits.
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            if (i % 2 == 0)
            {
                await harness.Clients.CallAsync(EvidenceCollector.Collectors.Aws.Api.AwsOperations.KmsListKeys, EvidenceCollector.Collectors.Aws.Api.AwsService.Kms, "eu-west-1", c => kms.ListKeysAsync(new Amazon.KeyManagementService.Model.ListKeysRequest(), c), ct);
            }
            else
            {
                await harness.Api.QueryAsync(session.In("eu-west-1"), EvidenceCollector.Collectors.Aws.Api.AwsOperations.IamGetAccountSummary, null, ct);
            }
        });

        // Both lanes learned a rate (the SDK client's and the signed client's, both read from the Authorization
        // header on the one send path), and throttles stayed a small share: with only the retry policy's backoff (5 ms here) most
        // attempts are throttled.
        var lanes = governor.Lanes();
        Assert.Contains(lanes, l => l.Key.Service == "kms" && l.Key.Scope == "eu-west-1" && l.Value is > 0);
        Assert.Contains(lanes, l => l.Key.Service == "iam" && l.Key.Scope == "us-east-1" && l.Value is > 0);
        var share = (double)(server.Stats.Throttled - throttled) / (server.Stats.Answered - answered);
        Assert.True(share < 0.3, $"{server.Stats.Throttled - throttled} of {server.Stats.Answered - answered} answers were throttles");
    }

    [Fact]
    public async Task S3_PaginatedListBucketsNamesEachRegion_NoGetBucketLocation()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, Options());

        var run = await harness.RunAsync(new RunScope { Accounts = [Management], Collectors = ["aws.s3"] });

        var buckets = run.Records.Where(r => r.Kind == AwsKinds.S3Bucket).ToList();
        Assert.NotEmpty(buckets);
        Assert.All(buckets, b =>
        {
            Assert.Equal(b.Region, b.Payload["Location"]!["Region"]!.GetValue<string>());
            Assert.Equal(b.Payload["Bucket"]!["BucketRegion"]!.GetValue<string>(), b.Region);
            Assert.DoesNotContain(b.Provenance.Operations, o => o.Contains("GetBucketLocation", StringComparison.Ordinal));
        });
        Assert.False(server.Stats.Calls.ContainsKey("s3:GetBucketLocation"), "GetBucketLocation was called although ListBuckets named every region");
        Assert.True(server.Stats.Calls.ContainsKey("s3:ListBuckets"));
    }

    [Fact]
    public async Task SdkClient_AttemptThatNeverAnswers_TimesOutAndIsRetriedThenSucceeds()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "s3", Operation = "ListBuckets", Kind = FailureKind.Timeout, Times = 1 });
        var options = Options();
        options.Retry.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);
        var session = (await harness.Planner.PlanAsync(new RunScope { Accounts = [Management] }, CancellationToken.None)).Targets.First().Session as EvidenceCollector.Collectors.Aws.Api.AwsSession;
        var s3 = harness.Clients.S3(session!.Credentials, "eu-west-1");

        var answer = await harness.Clients.CallAsync(EvidenceCollector.Collectors.Aws.Api.AwsOperations.S3ListBuckets, EvidenceCollector.Collectors.Aws.Api.AwsService.S3, "eu-west-1", ct => s3.ListBucketsAsync(ct), CancellationToken.None);

        Assert.NotEmpty(answer.Response.Buckets);
        Assert.Equal(2, server.Stats.CallsTo("s3", "ListBuckets")); // the attempt that hung, then the one answered
        Assert.Equal(0, harness.Limiter.InFlight);
    }

    [Fact]
    public async Task SdkClient_NoAttemptEverAnswers_FailsWithinItsAttemptsInsteadOfHanging()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "s3", Operation = "ListBuckets", Kind = FailureKind.Timeout });
        var options = Options();
        options.Retry.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxAttempts = 3;
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);
        var session = (await harness.Planner.PlanAsync(new RunScope { Accounts = [Management] }, CancellationToken.None)).Targets.First().Session as EvidenceCollector.Collectors.Aws.Api.AwsSession;
        var s3 = harness.Clients.S3(session!.Credentials, "eu-west-1");

        var error = await Assert.ThrowsAsync<EvidenceCollector.Collectors.Aws.Api.AwsApiException>(() => harness.Clients.CallAsync(EvidenceCollector.Collectors.Aws.Api.AwsOperations.S3ListBuckets, EvidenceCollector.Collectors.Aws.Api.AwsService.S3, "eu-west-1", ct => s3.ListBucketsAsync(ct), CancellationToken.None));

        Assert.True(error.IsTransient, $"{error.Code}: {error.Message}");
        Assert.Equal("RequestTimeout", error.Code);

        // Counted where they arrive: the limiter counts every call the harness makes, not only this operation's.
        // Three attempts (Aws:Retry:MaxAttempts); in about one run in ten the estate sees a fourth, sent below the
        // limiter (the SDK or the HTTP stack resending an aborted request; not pinned down). Never more: bounded.
        Assert.InRange(server.Stats.CallsTo("s3", "ListBuckets"), 3, 4);
        Assert.Equal(0, harness.Limiter.InFlight);
    }

    [Theory]
    [InlineData(FailureKind.AccessDenied, "AccessDenied")]
    [InlineData(FailureKind.InternalError, "InternalFailure")]
    [InlineData(FailureKind.MalformedBody, "MalformedResponse")]
    public async Task CollectAsync_ListCallFails_ReportsCollectionErrorNotEmptySuccess(FailureKind kind, string code)
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "iam", Operation = "ListUsers", Kind = kind });
        server.Switches.AddFailure(new FailureRule { Service = "logs", Operation = "DescribeLogGroups", Kind = kind });
        var options = Options();
        options.Regions.Add("eu-west-1");
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);

        var run = await harness.RunAsync();

        var users = Assert.Single(run.Errors, e => e.Kinds.Contains(AwsKinds.IamUser));
        Assert.StartsWith(code, users.Code, StringComparison.Ordinal);
        Assert.Equal("ListUsers", users.Operation);
        var logs = Assert.Single(run.Errors, e => e.Kinds.Contains(AwsKinds.LogsLogGroup));
        Assert.Equal("eu-west-1", logs.Region);
        Assert.DoesNotContain(run.Records, r => r.Kind is AwsKinds.IamUser or AwsKinds.LogsLogGroup);
    }

    [Fact]
    public async Task Limiter_SdkAndSignedCalls_HoldOneSlotPerHttpAttemptAndNeverExceedTheLimit()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.Latency = TimeSpan.FromMilliseconds(40);

        // The second S3 ListBuckets attempt of each call is throttled once: a retried SDK call is two attempts on the wire.
        server.Switches.AddFailure(new FailureRule { Service = "s3", Operation = "ListBuckets", Kind = FailureKind.Throttle, Times = 3 });
        var options = Options();
        options.MaxConcurrentCalls = 2;
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);
        var session = (await harness.Planner.PlanAsync(new RunScope { Accounts = [Management] }, CancellationToken.None)).Targets.First().Session as EvidenceCollector.Collectors.Aws.Api.AwsSession;
        var entered = harness.Limiter.Entered;

        var s3 = harness.Clients.S3(session!.Credentials, "eu-west-1");
        var calls = Enumerable.Range(0, 4).Select(_ => harness.Clients.CallAsync(EvidenceCollector.Collectors.Aws.Api.AwsOperations.S3ListBuckets, EvidenceCollector.Collectors.Aws.Api.AwsService.S3, "eu-west-1", ct => s3.ListBucketsAsync(ct), CancellationToken.None))
            .Concat<Task>(Enumerable.Range(0, 4).Select(_ => harness.Api.QueryAsync(session.In("eu-west-1"), EvidenceCollector.Collectors.Aws.Api.AwsOperations.IamGetAccountSummary, null, CancellationToken.None)));
        await Task.WhenAll(calls);

        Assert.Equal(4 + 3 + 4, harness.Limiter.Entered - entered);
        Assert.Equal(2, harness.Limiter.PeakInFlight);
        Assert.Equal(0, harness.Limiter.InFlight);
        Assert.True(harness.Limiter.Held >= TimeSpan.FromMilliseconds(40 * 11), $"held {harness.Limiter.Held}");
    }

    [Fact]
    public async Task CollectAsync_LaterPageFails_KeepsEarlierPagesAndErrorsTheKindInThatRegion()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.PageSize = 1;
        server.Switches.AddFailure(new FailureRule { Service = "logs", Operation = "DescribeLogGroups", Account = Prod, Region = "eu-west-1", Skip = 1, Kind = FailureKind.AccessDenied });
        server.Switches.AddFailure(new FailureRule { Service = "rds", Operation = "DescribeDBInstances", Account = Prod, Region = "eu-west-1", Skip = 1, Kind = FailureKind.AccessDenied });
        var options = Organization();
        options.Regions.Add("eu-west-1");
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);

        var run = await harness.RunAsync(new RunScope { Accounts = [Prod], Collectors = ["aws.logs", "aws.rds"] });

        // Streamed page by page: the first page's resources are evidence, the failed second page an error
        // for the kind in that region (so no check can read the region's list as complete).
        var prod = run.For(Prod).ToList();
        Assert.Single(prod, r => r.Kind == AwsKinds.LogsLogGroup && r.Region == "eu-west-1");
        Assert.Single(prod, r => r.Kind == AwsKinds.RdsDbInstance && r.Region == "eu-west-1");
        Assert.Contains(run.Errors, e => e.Kinds.Contains(AwsKinds.LogsLogGroup) && e.Region == "eu-west-1" && e.Code.StartsWith("AccessDenied", StringComparison.Ordinal));
        Assert.Contains(run.Errors, e => e.Kinds.Contains(AwsKinds.RdsDbInstance) && e.Region == "eu-west-1" && e.Code.StartsWith("AccessDenied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_SubCallDenied_RecordsSectionErrorAndCheckErrs()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "s3", Operation = "GetBucketAcl", Kind = FailureKind.AccessDenied });
        server.Switches.AddFailure(new FailureRule { Service = "cloudtrail", Operation = "GetTrailStatus", Kind = FailureKind.InternalError });
        var options = Options();
        options.Regions.Add("eu-west-1");
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);

        var run = await harness.RunAsync();

        var bucket = run.Records.First(r => r.Kind == AwsKinds.S3Bucket);
        Assert.Equal("AccessDenied", bucket.Payload["Acl"]!["error"]!["code"]!.GetValue<string>());
        var findings = Evaluate(Management, run.Records.ToList());
        Assert.All(findings.Where(f => f.Check == "aws.s3.bucket_acl_not_public"), f => Assert.Equal(FindingStatus.Error, f.Result.Status));
        Assert.All(findings.Where(f => f.Check == "aws.cloudtrail.trail_logging"), f => Assert.Equal(FindingStatus.Error, f.Result.Status));
        Assert.NotEqual(FindingStatus.Pass, findings.Single(f => f.Check == "aws.cloudtrail.multi_region_trail_logging").Result.Status);
    }

    [Fact]
    public async Task CollectAsync_ConfigComplianceFails_RuleFindingsAreErrors()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "config", Operation = "GetComplianceDetailsByConfigRule", Kind = FailureKind.AccessDenied });
        var options = Options();
        options.Regions.Add("eu-west-1");
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, options);

        var run = await harness.RunAsync();

        var findings = Evaluate(Management, run.Records.ToList()).Where(f => f.Check == "aws.config.rules").ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(FindingStatus.Error, f.Result.Status));
    }

    [Fact]
    public async Task ItemByItemChecks_OnTheDemoEstate_JudgingItemsOneAtATimeGivesTheSameResults()
    {
        // The runner may hand an item-by-item check an account's items in batches: that is only sound if the
        // check's results on all items are exactly its results on each item alone. Checked on the demo estate's
        // real evidence (good and bad configurations, plus section errors from denied sub-calls).
        await using var server = await EstateServer.StartAsync(EstateDefinition.Demo());
        server.Switches.AddFailure(new FailureRule { Service = "s3", Operation = "GetBucketVersioning", Kind = FailureKind.AccessDenied });
        var harness = AwsHarness.ForUrl(server.BaseUrl, Demo, Organization());
        var run = await harness.RunAsync();
        var byItem = AwsChecks.All.Where(c => c.Metadata.ItemByItem).ToList();
        Assert.True(byItem.Count >= 20, $"only {byItem.Count} item-by-item checks");

        var compared = 0;
        foreach (var account in run.Plan.Targets.Select(t => t.Target.Account).Distinct())
        {
            var records = run.For(account).ToList();
            foreach (var check in byItem)
            {
                var input = Evidence.FromRecords(account, records, check.Metadata.EvidenceKinds);
                var whole = check.Evaluate(input).ToList();
                var oneByOne = input.Items.SelectMany(item => check.Evaluate(new CheckInput(Provider.Aws, account, [item]))).ToList();
                Assert.True(whole.SequenceEqual(oneByOne, ResultComparer.Instance), $"{check.Metadata.Id} on {account}: {whole.Count} results on all items, {oneByOne.Count} one by one");
                compared += whole.Count;
            }
        }

        Assert.True(compared > 100, $"only {compared} results compared");
    }

    /// <summary>Results compared by value (their evidence lists included).</summary>
    private sealed class ResultComparer : IEqualityComparer<CheckResult>
    {
        public static readonly ResultComparer Instance = new();

        public bool Equals(CheckResult? x, CheckResult? y) =>
            x is not null && y is not null && (x with { EvidenceHashes = [] }) == (y with { EvidenceHashes = [] }) && x.EvidenceHashes.SequenceEqual(y.EvidenceHashes);

        public int GetHashCode(CheckResult obj) => (obj with { EvidenceHashes = [] }).GetHashCode();
    }

    private static List<(string Check, CheckResult Result)> Evaluate(string account, IReadOnlyList<EvidenceCollector.Collection.EvidenceRecord> records) =>
        AwsChecks.All.SelectMany(c => c.Evaluate(Evidence.FromRecords(account, records, c.Metadata.EvidenceKinds)).Select(r => (c.Metadata.Id, r))).ToList();
}
