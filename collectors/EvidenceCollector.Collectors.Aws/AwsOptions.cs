using System.Text.RegularExpressions;
using EvidenceCollector.Collectors.Common;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>Options of the AWS collectors, bound from the <c>Aws</c> section. Credentials never live here.</summary>
public sealed class AwsOptions
{
    public const string Section = "Aws";

    /// <summary>Accounts reached by assuming a role. Empty (and no organisation): the default credentials' account.</summary>
    public List<AwsAccountOptions> Accounts { get; set; } = [];

    /// <summary>Organizations discovery: assume this role name in every active account.</summary>
    public AwsOrganizationOptions Organization { get; set; } = new();

    /// <summary>Regions to collect. Empty: every region enabled for the account (EC2 DescribeRegions).</summary>
    public List<string> Regions { get; set; } = [];

    /// <summary>Region used for account-wide bootstrap calls (STS, DescribeRegions).</summary>
    public string HomeRegion { get; set; } = "us-east-1";

    public RetryOptions Retry { get; set; } = new();

    /// <summary>AWS API calls in flight at once across every collector and account (one shared limiter).</summary>
    public int MaxConcurrentCalls { get; set; } = 32;

    /// <summary>Resources one collector works on at once (per-resource sub-calls fan out up to this).</summary>
    public int ResourceConcurrency { get; set; } = 8;

    /// <summary>
    /// Resources worked on at once across every collector and account; 0 (the default) means twice
    /// <see cref="MaxConcurrentCalls"/>: enough to keep every call slot busy, few enough that resources do not
    /// queue for slots holding their half-built evidence.
    /// </summary>
    public int ResourcesInFlight { get; set; }

    /// <summary>The effective bound of <see cref="ResourcesInFlight"/>.</summary>
    public int MaxResourcesInFlight => ResourcesInFlight > 0 ? ResourcesInFlight : Math.Max(ResourceConcurrency, 2 * MaxConcurrentCalls);

    /// <summary>
    /// Client-side adaptive rate limiting: once AWS throttles a service in an account and region, its requests
    /// are paced at a rate learned from the answers (<see cref="Api.AwsRateGovernor"/>) instead of only backing
    /// off one by one. On by default; off, throttled calls are only retried with backoff.
    /// </summary>
    public bool AdaptiveRateLimiting { get; set; } = true;

    /// <summary>False turns the AWS provider off (it is configured by default: the default credential chain's account).</summary>
    public bool Enabled { get; set; } = true;

    public AwsConfigOptions Config { get; set; } = new();

    /// <summary>How long to wait between polls while IAM generates the credential report.</summary>
    public TimeSpan CredentialReportPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many polls before the credential report is given up as an error.</summary>
    public int CredentialReportMaxPolls { get; set; } = 15;
}

/// <summary>How AWS Config rule results are taken as evidence.</summary>
public sealed class AwsConfigOptions
{
    /// <summary>
    /// A periodic rule whose last successful evaluation (DescribeConfigRuleEvaluationStatus) is older than this
    /// gives stale results: <c>error</c> findings with reason "stale", never a pass. Recorded in each rule's evidence.
    /// </summary>
    public TimeSpan MaxEvaluationAge { get; set; } = TimeSpan.FromDays(7);
}

public sealed class AwsAccountOptions
{
    public string RoleArn { get; set; } = string.Empty;

    public string? ExternalId { get; set; }

    public string? SessionName { get; set; }
}

public sealed class AwsOrganizationOptions
{
    public string? RoleName { get; set; }

    public string? ExternalId { get; set; }
}

/// <summary>Validates <see cref="AwsOptions"/> with messages that name the configuration key.</summary>
public sealed partial class AwsOptionsValidator : IValidateOptions<AwsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsOptions options)
    {
        var problems = new List<string>();
        if (options.MaxConcurrentCalls is < 1 or > 1024)
        {
            problems.Add($"Aws:MaxConcurrentCalls: must be between 1 and 1024, got {options.MaxConcurrentCalls}");
        }

        if (options.ResourcesInFlight is < 0 or > 4096)
        {
            problems.Add($"Aws:ResourcesInFlight: must be between 0 (twice Aws:MaxConcurrentCalls) and 4096, got {options.ResourcesInFlight}");
        }

        if (options.ResourceConcurrency is < 1 or > 256)
        {
            problems.Add($"Aws:ResourceConcurrency: must be between 1 and 256, got {options.ResourceConcurrency}");
        }

        for (var i = 0; i < options.Accounts.Count; i++)
        {
            var account = options.Accounts[i];
            if (!RoleArnPattern().IsMatch(account.RoleArn ?? string.Empty))
            {
                problems.Add($"Aws:Accounts:{i}:RoleArn: not an IAM role ARN ('{account.RoleArn}')");
            }

            if (account.SessionName is { } session && !SessionNamePattern().IsMatch(session))
            {
                problems.Add($"Aws:Accounts:{i}:SessionName: 2-64 characters of [\\w+=,.@-] expected");
            }
        }

        if (options.Organization.RoleName is { } roleName && !RoleNamePattern().IsMatch(roleName))
        {
            problems.Add("Aws:Organization:RoleName: not an IAM role name");
        }

        if (options.Accounts.Count > 0 && !string.IsNullOrEmpty(options.Organization.RoleName))
        {
            problems.Add("Aws:Organization:RoleName: cannot be combined with Aws:Accounts");
        }

        for (var i = 0; i < options.Regions.Count; i++)
        {
            if (!RegionPattern().IsMatch(options.Regions[i] ?? string.Empty))
            {
                problems.Add($"Aws:Regions:{i}: not an AWS region name ('{options.Regions[i]}')");
            }
        }

        if (!RegionPattern().IsMatch(options.HomeRegion ?? string.Empty))
        {
            problems.Add($"Aws:HomeRegion: not an AWS region name ('{options.HomeRegion}')");
        }

        problems.AddRange(options.Retry.Problems("Aws:Retry"));

        if (options.Config.MaxEvaluationAge <= TimeSpan.Zero)
        {
            problems.Add($"Aws:Config:MaxEvaluationAge: must be positive, got {options.Config.MaxEvaluationAge}");
        }

        if (options.CredentialReportMaxPolls < 1 || options.CredentialReportPollInterval < TimeSpan.Zero)
        {
            problems.Add("Aws:CredentialReportMaxPolls: must be at least 1 (and Aws:CredentialReportPollInterval non-negative)");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^[\w+=,.@-]{1,64}$")]
    private static partial Regex RoleNamePattern();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d$")]
    private static partial Regex RegionPattern();
}
