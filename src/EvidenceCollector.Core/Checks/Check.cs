using System.Text.Json;
using EvidenceCollector.Model;

namespace EvidenceCollector.Checks;

/// <summary>
/// Typed metadata of a check. <see cref="Id"/> is stable data (<c>aws.s3.bucket_default_encryption_enabled</c>):
/// the class can be renamed, the id cannot.
/// </summary>
/// <param name="ItemByItem">
/// True when every result the check gives depends on one evidence item alone (it never compares items or
/// concludes from their absence): the runner may then hand it an account's items in several batches, so memory
/// follows a batch rather than the account. A check that looks across items must leave it false.
/// </param>
/// <param name="DynamicMapping">
/// For checks that emit one finding family per external rule (AWS Config rules, Azure Policy definitions):
/// the name of the mapping table (<c>aws-config-rules</c>) their findings are mapped through, keyed by
/// <see cref="CheckResult.MappingKey"/>. Such checks need no row in <c>check-controls.csv</c>.
/// </param>
/// <param name="Provider">The cloud the check judges, named explicitly (never inferred from the id).</param>
public sealed record CheckMetadata(
    Provider Provider,
    string Id,
    string Title,
    Severity Severity,
    string ResourceType,
    string Rationale,
    string Remediation,
    IReadOnlyList<string> EvidenceKinds,
    string? DynamicMapping = null,
    bool ItemByItem = false);

/// <summary>One stored payload as a check sees it: parsed JSON plus where it sits.</summary>
public sealed record EvidenceItem(
    string Kind,
    string Account,
    string Region,
    string ResourceId,
    string Hash,
    JsonElement Payload);

/// <summary>
/// The evidence of one account (all regions) of the kinds a check declared, and which of those kinds could
/// not be collected whole (<see cref="IncompleteKinds"/>): a check that joins kinds (users with their groups,
/// buckets with the account's block) must not conclude from a part that is missing.
/// </summary>
public sealed class CheckInput
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    public CheckInput(Provider provider, string account, IReadOnlyList<EvidenceItem> items, IReadOnlySet<string>? incompleteKinds = null)
    {
        Provider = provider;
        Account = account;
        Items = items;
        IncompleteKinds = incompleteKinds ?? None;
    }

    /// <summary>
    /// Kinds of which a listing failed in this account (a collection error not tied to one resource): the items
    /// present may not be all there are. The runner also reports those errors as <c>error</c> findings.
    /// </summary>
    public IReadOnlySet<string> IncompleteKinds { get; }

    public Provider Provider { get; }

    public string Account { get; }

    public IReadOnlyList<EvidenceItem> Items { get; }

    public IEnumerable<EvidenceItem> OfKind(string kind) => Items.Where(i => i.Kind == kind);
}

/// <summary>
/// What a check says about one resource. <see cref="CheckId"/>, <see cref="Title"/> and
/// <see cref="MappingKey"/> are only set by checks with a <see cref="CheckMetadata.DynamicMapping"/>.
/// </summary>
public sealed record CheckResult(
    string ResourceId,
    string Region,
    FindingStatus Status,
    string Message,
    IReadOnlyList<string> EvidenceHashes)
{
    public string? CheckId { get; init; }

    public string? Title { get; init; }

    public string? MappingKey { get; init; }

    public static CheckResult Pass(EvidenceItem item, string message) => new(item.ResourceId, item.Region, FindingStatus.Pass, message, [item.Hash]);

    public static CheckResult Fail(EvidenceItem item, string message) => new(item.ResourceId, item.Region, FindingStatus.Fail, message, [item.Hash]);

    public static CheckResult Error(EvidenceItem item, string message) => new(item.ResourceId, item.Region, FindingStatus.Error, message, [item.Hash]);

    public static CheckResult NotApplicable(EvidenceItem item, string message) => new(item.ResourceId, item.Region, FindingStatus.NotApplicable, message, [item.Hash]);

    public static CheckResult Of(EvidenceItem item, bool passed, string passMessage, string failMessage) =>
        passed ? Pass(item, passMessage) : Fail(item, failMessage);
}

/// <summary>
/// A pure function over evidence payloads of the kinds it declares. No I/O, no clock, no SDK types.
/// Regions with no resource of its kinds get a <c>not_applicable</c> finding from the runner.
/// </summary>
public interface ICheck
{
    CheckMetadata Metadata { get; }

    IEnumerable<CheckResult> Evaluate(CheckInput input);
}
