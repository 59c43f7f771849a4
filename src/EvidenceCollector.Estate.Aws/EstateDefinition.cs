using System.Text.Json;
using System.Text.Json.Serialization;

namespace EvidenceCollector.Estate.Aws;

/// <summary>
/// A declarative emulated AWS estate: an organization of accounts, each with its enabled regions,
/// IAM, S3 and regional resources. Load one from a JSON file (<see cref="LoadFile"/>), use the embedded
/// demo estate (<see cref="Demo"/>) or synthesise one for benchmarks (<see cref="Generate"/>).
/// </summary>
public sealed class EstateDefinition
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The management account of the organization; the demo credentials belong to it.</summary>
    public required string ManagementAccountId { get; init; }
    public string OrganizationId { get; init; } = "o-exampleorgid";
    public List<EstateAccount> Accounts { get; init; } = [];

    public EstateAccount ManagementAccount => FindAccount(ManagementAccountId)
        ?? throw new InvalidOperationException($"managementAccountId {ManagementAccountId} is not in accounts");

    public EstateAccount? FindAccount(string accountId) => Accounts.Find(a => a.Id == accountId);

    /// <summary>Reads and validates an estate file.</summary>
    public static EstateDefinition LoadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads and validates an estate from JSON; <paramref name="source"/> names it in errors.</summary>
    public static EstateDefinition Load(Stream json, string source)
    {
        EstateDefinition? estate;
        try
        {
            estate = JsonSerializer.Deserialize<EstateDefinition>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (estate is null)
        {
            throw new InvalidDataException($"{source}: empty estate");
        }
        estate.Validate(source);
        return estate;
    }

    /// <summary>The embedded demo estate (Estates/demo.json): a management account and two members, good and bad configurations.</summary>
    public static EstateDefinition Demo()
    {
        using var stream = typeof(EstateDefinition).Assembly.GetManifestResourceStream("EvidenceCollector.Estate.Aws.Estates.demo.json")
            ?? throw new InvalidOperationException("embedded resource Estates/demo.json is missing");
        return Load(stream, "Estates/demo.json");
    }

    /// <summary>A synthetic, deterministic estate for benchmarks: resources spread across every kind.</summary>
    public static EstateDefinition Generate(int accounts, int regions, int resourcesPerRegion, int seed = 1)
        => EstateGenerator.Generate(accounts, regions, resourcesPerRegion, seed);

    /// <summary>Serialises the estate in the file format <see cref="LoadFile"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first problem found.</summary>
    public void Validate(string source = "estate")
    {
        void Fail(string where, string what) => throw new InvalidDataException($"{source}: {where}: {what}");

        if (!IsAccountId(ManagementAccountId))
        {
            Fail("managementAccountId", "must be 12 digits");
        }
        if (FindAccount(ManagementAccountId) is null)
        {
            Fail("managementAccountId", $"{ManagementAccountId} is not one of accounts[].id");
        }
        var bucketNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Accounts.Count; i++)
        {
            var a = Accounts[i];
            var at = $"accounts[{i}]";
            if (!IsAccountId(a.Id))
            {
                Fail($"{at}.id", $"'{a.Id}' must be 12 digits");
            }
            if (Accounts.FindIndex(x => x.Id == a.Id) != i)
            {
                Fail($"{at}.id", $"duplicate account {a.Id}");
            }
            if (a.EnabledRegions.Count == 0)
            {
                Fail($"{at}.enabledRegions", "at least one region is required");
            }
            foreach (var r in a.DisabledRegions.Where(a.EnabledRegions.Contains))
            {
                Fail($"{at}.disabledRegions", $"{r} is also enabled");
            }
            foreach (var r in a.Regions.Keys.Where(r => !a.EnabledRegions.Contains(r)))
            {
                Fail($"{at}.regions.{r}", "resources in a region that is not in enabledRegions");
            }
            foreach (var t in a.Trails.Where(t => !a.EnabledRegions.Contains(t.HomeRegion)))
            {
                Fail($"{at}.trails[{t.Name}].homeRegion", $"{t.HomeRegion} is not enabled");
            }
            for (var b = 0; b < a.S3.Buckets.Count; b++)
            {
                if (!bucketNames.Add(a.S3.Buckets[b].Name))
                {
                    Fail($"{at}.s3.buckets[{b}].name", $"bucket name {a.S3.Buckets[b].Name} is not globally unique");
                }
            }
            var users = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var u = 0; u < a.Iam.Users.Count; u++)
            {
                if (!users.Add(a.Iam.Users[u].Name))
                {
                    Fail($"{at}.iam.users[{u}].name", $"duplicate user {a.Iam.Users[u].Name}");
                }
            }
        }
    }

    private static bool IsAccountId(string id) => id.Length == 12 && id.All(char.IsAsciiDigit);
}
