namespace EvidenceCollector.Model;

/// <summary>
/// One place evidence comes from: provider + account/subscription + region. Services that are not
/// regional (AWS IAM, the S3 bucket list; every Azure subscription) use the region <see cref="Global"/>.
/// </summary>
public sealed record Target(Provider Provider, string Account, string Region)
{
    public const string Global = "global";

    public bool IsGlobal => Region == Global;

    public override string ToString() => $"{Provider.ToWire()}/{Account}/{Region}";
}

/// <summary>A target with what the planner found out about it (skipped or errored targets are recorded, not dropped).</summary>
public sealed record TargetReport(Target Target, TargetOutcome Outcome, string? Detail);
