namespace EvidenceCollector.Model;

/// <summary>
/// What a run covers. Empty lists mean "all". Two scopes overlap unless some dimension is non-empty on
/// both sides and disjoint.
/// </summary>
public sealed record RunScope
{
    public static readonly RunScope All = new();

    public IReadOnlyList<string> Providers { get; init; } = [];

    public IReadOnlyList<string> Collectors { get; init; } = [];

    public IReadOnlyList<string> Accounts { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    public IReadOnlyList<string> Checks { get; init; } = [];

    public IReadOnlyList<string> Controls { get; init; } = [];

    public bool Overlaps(RunScope other) =>
        Meets(Providers, other.Providers) && Meets(Collectors, other.Collectors) &&
        Meets(Accounts, other.Accounts) && Meets(Regions, other.Regions);

    public bool IncludesProvider(Provider provider) => Providers.Count == 0 || Providers.Contains(provider.ToWire(), StringComparer.OrdinalIgnoreCase);

    public bool IncludesCollector(string name) => Collectors.Count == 0 || Collectors.Any(c => Matches(c, name));

    public bool IncludesAccount(string account) => Accounts.Count == 0 || Accounts.Contains(account, StringComparer.OrdinalIgnoreCase);

    public bool IncludesRegion(string region) => Regions.Count == 0 || region == Target.Global || Regions.Contains(region, StringComparer.OrdinalIgnoreCase);

    public bool IsEmpty => Providers.Count + Collectors.Count + Accounts.Count + Regions.Count + Checks.Count + Controls.Count == 0;

    /// <summary>A collector filter matches its full name (<c>aws.iam</c>) or its service (<c>iam</c>).</summary>
    private static bool Matches(string filter, string name) =>
        string.Equals(filter, name, StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith("." + filter, StringComparison.OrdinalIgnoreCase);

    private static bool Meets(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == 0 || b.Count == 0 || a.Intersect(b, StringComparer.OrdinalIgnoreCase).Any();

    public override string ToString()
    {
        if (IsEmpty)
        {
            return "all";
        }

        var parts = new List<string>();
        void Add(string name, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                parts.Add($"{name}={string.Join(",", values)}");
            }
        }

        Add("provider", Providers);
        Add("collector", Collectors);
        Add("account", Accounts);
        Add("region", Regions);
        Add("check", Checks);
        Add("control", Controls);
        return string.Join(" ", parts);
    }
}
