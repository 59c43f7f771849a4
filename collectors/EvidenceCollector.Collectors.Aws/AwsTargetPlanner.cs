using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>
/// Plans AWS targets: accounts (the default credentials' account, configured roles, or every active account of
/// the organisation through one role name), then per account one <c>global</c> target and one per region
/// (configured, or every region DescribeRegions lists; <c>not-opted-in</c> ones become skipped targets).
/// Records each account's caller identity as evidence. A failed AssumeRole errors that account only.
/// </summary>
/// <param name="collectors">The collectors of the run: the kinds of the regional AWS ones are what a failed region listing leaves unknown.</param>
public sealed class AwsTargetPlanner(AwsClients clients, ILogger<AwsTargetPlanner> logger, IEnumerable<ICollector> collectors, AwsOverride? demoOverride = null) : ITargetPlanner
{
    /// <summary>Evidence kinds of the regional AWS collectors, from their descriptors (never a second hand-kept list).</summary>
    private readonly string[] _regionalKinds = collectors.Select(c => c.Descriptor).Where(d => d.Provider == Provider.Aws && !d.Global)
        .SelectMany(d => d.Kinds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    public Provider Provider => Provider.Aws;

    public async Task<TargetPlan> PlanAsync(RunScope scope, CancellationToken cancellationToken)
    {
        var plan = new TargetPlan();
        if (!scope.IncludesProvider(Provider.Aws))
        {
            return plan;
        }

        var options = clients.Options;
        var home = options.HomeRegion;
        AWSCredentials baseCredentials;
        try
        {
            baseCredentials = demoOverride?.Credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(new AmazonSecurityTokenServiceConfig()).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            var target = new Target(Provider.Aws, "unknown", Target.Global);
            plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Errored, "NoCredentials: " + e.Message, null));
            return plan;
        }

        var accounts = new List<(string Account, string? RoleArn, string? ExternalId, string? SessionName)>();
        if (!string.IsNullOrEmpty(options.Organization.RoleName))
        {
            try
            {
                var list = await clients.Api.JsonListAsync(new AwsCallContext(baseCredentials, home, "organization"), AwsOperations.OrgListAccounts, null, "Accounts", "NextToken", cancellationToken).ConfigureAwait(false);
                foreach (var account in list.Items.OfType<JsonObject>())
                {
                    var id = account["Id"]?.GetValue<string>();
                    var status = account["Status"]?.GetValue<string>();
                    if (id is not null && (status is null || status == "ACTIVE"))
                    {
                        accounts.Add((id, $"arn:aws:iam::{id}:role/{options.Organization.RoleName}", options.Organization.ExternalId, null));
                    }
                }
            }
            catch (AwsApiException e)
            {
                Log.PlanningFailed(logger, e.Operation.Name, e.Code);
                var target = new Target(Provider.Aws, "organization", Target.Global);
                plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Errored, $"{e.Code}: {e.AwsMessage}", null));
                return plan;
            }
        }
        else if (options.Accounts.Count > 0)
        {
            accounts.AddRange(options.Accounts.Select(a => (AccountOf(a.RoleArn), (string?)a.RoleArn, a.ExternalId, a.SessionName)));
        }
        else
        {
            accounts.Add((string.Empty, null, null, null));
        }

        // Accounts are planned side by side (an organisation has hundreds; each needs AssumeRole,
        // GetCallerIdentity and DescribeRegions), bounded like every call by Aws:MaxConcurrentCalls, and the
        // plan keeps the accounts' order.
        accounts.RemoveAll(a => a.Account.Length > 0 && !scope.IncludesAccount(a.Account));
        var parts = accounts.Select(_ => new TargetPlan()).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrentCalls, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count), parallel, async (i, ct) =>
        {
            var (account, roleArn, externalId, sessionName) = accounts[i];
            await PlanAccountAsync(parts[i], scope, baseCredentials, account, roleArn, externalId, sessionName, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        foreach (var part in parts)
        {
            plan.Targets.AddRange(part.Targets);
            plan.Records.AddRange(part.Records);
            plan.Errors.AddRange(part.Errors);
        }

        return plan;
    }

    private async Task PlanAccountAsync(TargetPlan plan, RunScope scope, AWSCredentials baseCredentials, string account, string? roleArn, string? externalId, string? sessionName, CancellationToken cancellationToken)
    {
        var home = clients.Options.HomeRegion;
        var credentials = baseCredentials;
        try
        {
            if (roleArn is not null)
            {
                using var sts = clients.Sts(baseCredentials, home);
                var request = new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = sessionName ?? "evidence-collector", ExternalId = externalId };
                var assumed = await clients.CallAsync(AwsOperations.StsAssumeRole, AwsService.Sts, home, ct => sts.AssumeRoleAsync(request, ct), cancellationToken).ConfigureAwait(false);
                var c = assumed.Response.Credentials
                    ?? throw new AwsApiException(AwsOperations.StsAssumeRole, AwsApiException.MalformedResponse, "AssumeRole answered no credentials", null, assumed.RequestId);
                credentials = new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
            }

            using var identityClient = clients.Sts(credentials, home);
            var identity = await clients.CallAsync(AwsOperations.StsGetCallerIdentity, AwsService.Sts, home, ct => identityClient.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct), cancellationToken).ConfigureAwait(false);
            account = identity.Response.Account ?? account;
            if (!scope.IncludesAccount(account))
            {
                return;
            }

            var payload = new JsonObject { ["Account"] = identity.Response.Account, ["Arn"] = identity.Response.Arn, ["UserId"] = identity.Response.UserId };
            plan.Records.Add(new PlannedRecord(new Target(Provider.Aws, account, Target.Global), new EvidenceRecord(AwsKinds.CallerIdentity, identity.Response.Arn ?? AwsArn.AccountRoot(account), Target.Global, payload,
                new Provenance("sts", [AwsOperations.StsGetCallerIdentity.Name], identity.Endpoint.ToString(), identity.RequestId, identity.AnsweredAt))));
        }
        catch (AwsApiException e)
        {
            Log.AccountUnreachable(logger, account.Length == 0 ? "default" : account, roleArn ?? "default credentials", e.Code);
            var target = new Target(Provider.Aws, account.Length == 0 ? "default" : account, Target.Global);
            plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Errored, $"{e.Operation.Name} {e.Code}: {e.AwsMessage}", null));
            return;
        }

        var session = new AwsSession(account, credentials);
        plan.Targets.Add(new PlannedTarget(new Target(Provider.Aws, account, Target.Global), TargetOutcome.Evaluated, null, session));

        var regions = new List<(string Region, string? SkipReason)>();
        if (clients.Options.Regions.Count > 0)
        {
            regions.AddRange(clients.Options.Regions.Distinct(StringComparer.Ordinal).Select(r => (r, (string?)null)));
        }
        else
        {
            try
            {
                using var ec2 = clients.Ec2(credentials, home);
                var answer = await clients.CallAsync(AwsOperations.Ec2DescribeRegions, AwsService.Ec2, home, ct => ec2.DescribeRegionsAsync(new DescribeRegionsRequest { AllRegions = true }, ct), cancellationToken).ConfigureAwait(false);
                foreach (var region in answer.Response.Regions ?? [])
                {
                    var optIn = region.OptInStatus ?? "opt-in-not-required";
                    regions.Add((region.RegionName, optIn == "not-opted-in" ? $"region not enabled for account {account} (opt-in status: not-opted-in)" : null));
                }
            }
            catch (AwsApiException e)
            {
                Log.PlanningFailed(logger, e.Operation.Name, e.Code);
                plan.Errors.Add((new Target(Provider.Aws, account, Target.Global), new CollectionError(_regionalKinds, Target.Global, null, e.Code, $"regions could not be listed: {e.AwsMessage}", e.Operation.Name)));
            }
        }

        var planned = 0;
        var skipped = 0;
        foreach (var (region, skipReason) in regions.OrderBy(r => r.Region, StringComparer.Ordinal))
        {
            if (!scope.IncludesRegion(region))
            {
                continue;
            }

            var target = new Target(Provider.Aws, account, region);
            if (skipReason is not null)
            {
                skipped++;
                plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Skipped, skipReason, null));
            }
            else
            {
                planned++;
                plan.Targets.Add(new PlannedTarget(target, TargetOutcome.Evaluated, null, session));
            }
        }

        Log.AccountPlanned(logger, account, planned, skipped);
    }

    private static string AccountOf(string roleArn)
    {
        var parts = roleArn.Split(':');
        return parts.Length > 4 ? parts[4] : roleArn;
    }
}
