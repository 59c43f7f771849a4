using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EvidenceCollector.Estate.Azure;

/// <summary>A role assignment at a subscription's scope: who (<see cref="PrincipalType"/>: User, Group, ServicePrincipal) holds which role definition (its GUID).</summary>
public sealed record AzureRoleAssignment(string Name, string PrincipalId, string PrincipalType, string RoleDefinitionGuid);

/// <summary>A custom role definition of a subscription: its name (a GUID), display name and actions.</summary>
public sealed record AzureCustomRole(string Name, string RoleName, IReadOnlyList<string> Actions);

/// <summary>
/// A subscription of the emulated tenant. <see cref="Resources"/> are ARM JSON objects exactly as ARM returns them;
/// an <c>id</c> that starts with neither <c>/</c> nor <c>subscriptions/</c> is relative to the subscription (and
/// becomes <c>/subscriptions/&lt;id&gt;/…</c>); an id given absolute is served as written, traps included (no leading
/// slash, lower case). <c>name</c> and <c>type</c> are derived from the id when absent (an explicit <c>null</c> stays).
/// Where ARM serves a resource elsewhere than its id says (a TDE state whose id is its database's, a security contact
/// whose id says <c>securityContact</c>, a subscription diagnostic setting under <c>AzureResourceManager</c>), the
/// estate-only keys <c>$path</c> (where a GET finds it) and <c>$list</c> (the collection that lists it) say where,
/// relative to the subscription or absolute; they are never served.
/// </summary>
public sealed class AzureSubscription
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Enabled, Warned, PastDue, Disabled, Deleted.</summary>
    public string State { get; init; } = "Enabled";

    public List<AzureRoleAssignment> RoleAssignments { get; init; } = [];

    public List<AzureCustomRole> CustomRoles { get; init; } = [];

    /// <summary>Resource provider namespaces not registered here: their reads answer 409 <c>MissingSubscriptionRegistration</c>.</summary>
    public List<string> UnregisteredProviders { get; init; } = [];

    /// <summary><c>&lt;namespace&gt;/&lt;type&gt;@&lt;api-version&gt;</c> this subscription's region refuses (400 <c>NoRegisteredProviderFound</c>).</summary>
    public List<string> RefusedApiVersions { get; init; } = [];

    public List<JsonObject> Resources { get; init; } = [];

    /// <summary>Azure Policy's latest states (Policy Insights <c>policyStates</c> records), served by <c>queryResults</c> and <c>summarize</c>.</summary>
    public List<JsonObject> PolicyStates { get; init; } = [];
}

/// <summary>
/// The emulated Azure estate: one tenant, the managed identity the collector runs as, its subscriptions and
/// management groups. Declarative: load one from JSON (<see cref="Load"/>), take the embedded demo estate
/// (<see cref="Demo"/>, <c>Estates/demo.json</c>) or synthesise one (<see cref="Generate"/>). Served by
/// <see cref="AzureServices"/>: the App Service managed-identity token endpoint and Resource Manager reads.
/// </summary>
public sealed class AzureEstate
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>A note for people reading the file; ignored.</summary>
    [JsonPropertyName("$comment")]
    public string? Comment { get; init; }

    public string TenantId { get; init; } = "72f988bf-0000-4000-8000-000000000001";

    /// <summary>The managed identity's object id (the token's <c>oid</c>) and client id (<c>appid</c>).</summary>
    public string PrincipalObjectId { get; init; } = "a1b2c3d4-0000-4000-8000-00000000c0de";

    public string ClientId { get; init; } = "e5f6a7b8-0000-4000-8000-00000000c11e";

    /// <summary>The secret of the token endpoint (<c>IDENTITY_HEADER</c>); the demo's fixed dummy, like the AWS demo credentials.</summary>
    public string IdentityHeader { get; init; } = "evidence-demo-identity-header";

    public List<AzureSubscription> Subscriptions { get; init; } = [];

    /// <summary>Management groups (their ids) and the subscriptions directly under them.</summary>
    public Dictionary<string, List<string>> ManagementGroups { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    [JsonIgnore]
    internal ResourceIndex Index => _index ??= new ResourceIndex(this);

    private ResourceIndex? _index;

    public AzureSubscription? FindSubscription(string id) => Subscriptions.Find(s => s.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The embedded demo estate: two live subscriptions (one Warned) and a disabled one, good and bad configurations of every service the collectors read.</summary>
    public static AzureEstate Demo()
    {
        using var stream = typeof(AzureEstate).Assembly.GetManifestResourceStream("EvidenceCollector.Estate.Azure.Estates.demo.json")
            ?? throw new InvalidOperationException("embedded resource Estates/demo.json is missing");
        return Load(stream, "Estates/demo.json");
    }

    public static AzureEstate LoadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads and validates an estate; <paramref name="source"/> names it in errors.</summary>
    public static AzureEstate Load(Stream json, string source)
    {
        AzureEstate? estate;
        try
        {
            estate = JsonSerializer.Deserialize<AzureEstate>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        if (estate is null)
        {
            throw new InvalidDataException($"{source}: empty estate");
        }

        estate.Normalise(source);
        return estate;
    }

    /// <summary>
    /// A synthetic estate for benchmarks: <paramref name="subscriptions"/> subscriptions with
    /// <paramref name="resourcesPerSubscription"/> resources each, spread over storage accounts, key vaults, disks,
    /// network security groups and SQL servers (with one database each), in two regions.
    /// </summary>
    public static AzureEstate Generate(int subscriptions, int resourcesPerSubscription)
    {
        var estate = new AzureEstate();
        for (var s = 0; s < subscriptions; s++)
        {
            var sub = new AzureSubscription { Id = $"00000000-0000-4000-9000-{s + 1:D12}", DisplayName = $"Generated {s + 1}" };
            sub.RoleAssignments.Add(new($"3f0e2c1a-0000-4000-9000-{s + 1:D12}", "10000000-0000-4000-8000-000000000001", "User", BuiltInRoles.Owner));
            for (var r = 0; r < resourcesPerSubscription; r++)
            {
                var location = r % 2 == 0 ? "westeurope" : "northeurope";
                var rg = $"rg-{r / 100:D3}";
                sub.Resources.Add((r % 5) switch
                {
                    0 => Json($$$"""{"id":"resourceGroups/{{{rg}}}/providers/Microsoft.Storage/storageAccounts/st{{{r:D6}}}","location":"{{{location}}}","sku":{"name":"Standard_LRS","tier":"Standard"},"kind":"StorageV2","tags":{},"properties":{"supportsHttpsTrafficOnly":true,"minimumTlsVersion":"TLS1_2","allowBlobPublicAccess":{{{(r % 10 == 0 ? "true" : "false")}}},"allowSharedKeyAccess":false,"networkAcls":{"bypass":"AzureServices","virtualNetworkRules":[],"ipRules":[],"defaultAction":"Deny"},"encryption":{"services":{"blob":{"enabled":true,"keyType":"Account"}},"keySource":"Microsoft.Storage","requireInfrastructureEncryption":true},"provisioningState":"Succeeded"}}"""),
                    1 => Json($$$"""{"id":"resourceGroups/{{{rg}}}/providers/Microsoft.KeyVault/vaults/kv{{{r:D6}}}","location":"{{{location}}}","tags":{},"properties":{"tenantId":"{{{estate.TenantId}}}","sku":{"family":"A","name":"standard"},"accessPolicies":[],"enableSoftDelete":true,"softDeleteRetentionInDays":90,"enableRbacAuthorization":true,"enablePurgeProtection":{{{(r % 3 == 0 ? "true" : "false")}}},"publicNetworkAccess":"Disabled","vaultUri":"https://kv{{{r:D6}}}.vault.azure.net/","provisioningState":"Succeeded"}}"""),
                    2 => Json($$$"""{"id":"resourceGroups/{{{rg}}}/providers/Microsoft.Compute/disks/disk{{{r:D6}}}","location":"{{{location}}}","sku":{"name":"Premium_LRS","tier":"Premium"},"tags":{},"properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":128,"encryption":{"type":"EncryptionAtRestWithPlatformKey"},"networkAccessPolicy":"DenyAll","publicNetworkAccess":"Disabled","diskState":"Unattached","provisioningState":"Succeeded"}}"""),
                    3 => Json($$$"""{"id":"resourceGroups/{{{rg}}}/providers/Microsoft.Network/networkSecurityGroups/nsg{{{r:D6}}}","location":"{{{location}}}","tags":{},"properties":{"provisioningState":"Succeeded","securityRules":[{"name":"ssh","id":"/subscriptions/{{{sub.Id}}}/resourceGroups/{{{rg}}}/providers/Microsoft.Network/networkSecurityGroups/nsg{{{r:D6}}}/securityRules/ssh","properties":{"protocol":"Tcp","sourcePortRange":"*","destinationPortRange":"22","sourceAddressPrefix":"{{{(r % 4 == 3 ? "*" : "10.0.0.0/8")}}}","destinationAddressPrefix":"*","access":"Allow","priority":100,"direction":"Inbound","provisioningState":"Succeeded"}}],"defaultSecurityRules":[]}}"""),
                    _ => Json($$$"""{"id":"resourceGroups/{{{rg}}}/providers/Microsoft.Sql/servers/sql{{{r:D6}}}","location":"{{{location}}}","kind":"v12.0","tags":{},"properties":{"administratorLogin":"sqladmin","version":"12.0","state":"Ready","fullyQualifiedDomainName":"sql{{{r:D6}}}.database.windows.net","minimalTlsVersion":"1.2","publicNetworkAccess":"Disabled"}}"""),
                });
                if (r % 5 == 4)
                {
                    var server = $"resourceGroups/{rg}/providers/Microsoft.Sql/servers/sql{r:D6}";
                    sub.Resources.Add(Json($$$"""{"id":"{{{server}}}/auditingSettings/default","properties":{"state":"Enabled","storageEndpoint":"https://st.blob.core.windows.net/","retentionDays":90,"auditActionsAndGroups":[],"isAzureMonitorTargetEnabled":false}}"""));
                    sub.Resources.Add(Json($$$"""{"id":"{{{server}}}/databases/appdb","location":"{{{location}}}","kind":"v12.0,user","sku":{"name":"S0","tier":"Standard"},"properties":{"status":"Online"}}"""));
                    sub.Resources.Add(Json($$$"""{"id":"/subscriptions/{{{sub.Id}}}/{{{server}}}/databases/appdb","$list":"/subscriptions/{{{sub.Id}}}/{{{server}}}/databases/appdb/transparentDataEncryption","name":"current","type":"Microsoft.Sql/servers/databases/transparentDataEncryption","properties":{"state":"Enabled"}}"""));
                    sub.Resources.Add(Json($$$"""{"id":"/subscriptions/{{{sub.Id}}}/{{{server}}}/databases/appdb","$path":"/subscriptions/{{{sub.Id}}}/{{{server}}}/databases/appdb/auditingSettings/default","name":"default","type":"Microsoft.Sql/servers/databases/auditingSettings","properties":{"state":"Disabled"}}"""));
                }
            }

            estate.Subscriptions.Add(sub);
        }

        estate.Normalise("generated estate");
        return estate;
    }

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    private void Normalise(string source)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var sub in Subscriptions)
        {
            if (!seen.Add(sub.Id))
            {
                throw new InvalidDataException($"{source}: subscription {sub.Id} is declared twice");
            }

            foreach (var resource in sub.Resources)
            {
                if (resource["id"]?.GetValue<string>() is not { Length: > 0 } id)
                {
                    throw new InvalidDataException($"{source}: a resource of subscription {sub.Id} has no id");
                }

                if (!id.StartsWith('/') && !id.StartsWith("subscriptions/", StringComparison.OrdinalIgnoreCase))
                {
                    id = $"/subscriptions/{sub.Id}/{id}";
                    resource["id"] = id;
                }

                if (!resource.ContainsKey("name"))
                {
                    resource["name"] = id[(id.LastIndexOf('/') + 1)..];
                }

                if (!resource.ContainsKey("type"))
                {
                    resource["type"] = ResourceIndex.TypeOf(id);
                }

                foreach (var key in (string[])["$path", "$list"])
                {
                    if (resource[key]?.GetValue<string>() is { } at && !at.StartsWith('/') && !at.StartsWith("subscriptions/", StringComparison.OrdinalIgnoreCase))
                    {
                        resource[key] = $"/subscriptions/{sub.Id}/{at}";
                    }
                }
            }
        }

        foreach (var (group, members) in ManagementGroups)
        {
            if (members.FirstOrDefault(m => FindSubscription(m) is null) is { } missing)
            {
                throw new InvalidDataException($"{source}: management group {group} holds subscription {missing}, which is not declared");
            }
        }

        _index = null;
    }

    /// <summary>Built-in role definition names (GUIDs, the same in every tenant).</summary>
    public static class BuiltInRoles
    {
        public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
        public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
        public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
        public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    }
}

/// <summary>
/// The estate's resources by ARM id (compared ignoring case, a missing leading slash ignored), by parent (a child
/// collection, an extension resource list) and by (subscription, type) for subscription-wide lists.
/// </summary>
internal sealed class ResourceIndex
{
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<JsonObject>> _byCollection = new(StringComparer.OrdinalIgnoreCase);

    public ResourceIndex(AzureEstate estate)
    {
        foreach (var sub in estate.Subscriptions)
        {
            foreach (var original in sub.Resources)
            {
                var resource = original.DeepClone().AsObject();
                var path = resource["$path"]?.GetValue<string>();
                var list = resource["$list"]?.GetValue<string>();
                resource.Remove("$path");
                resource.Remove("$list");
                var key = Key(path ?? resource["id"]!.GetValue<string>());
                if (path is not null || list is null)
                {
                    _byId[key] = resource;
                }

                if (list is not null)
                {
                    Add(Key(list), resource);
                    continue;
                }

                Add(key[..key.LastIndexOf('/')], resource);
                // A resource in a resource group is also listed by its subscription: /subscriptions/s/providers/ns/type.
                var parts = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 8 && parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) && parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase))
                {
                    Add($"/subscriptions/{parts[1]}/providers/{parts[5]}/{parts[6]}", resource);
                }
            }
        }
    }

    private void Add(string collection, JsonObject resource)
    {
        if (!_byCollection.TryGetValue(collection, out var list))
        {
            _byCollection[collection] = list = [];
        }

        list.Add(resource);
    }

    public static string Key(string id) => "/" + id.Trim('/');

    public JsonObject? Find(string id) => _byId.GetValueOrDefault(Key(id));

    public IReadOnlyList<JsonObject>? List(string collection) => _byCollection.GetValueOrDefault(Key(collection));

    /// <summary>
    /// Whether a path names a collection rather than one resource: after the last <c>providers/&lt;namespace&gt;</c>,
    /// types and names alternate, so an even number of segments ends on a type.
    /// </summary>
    public static bool IsCollection(string[] segments)
    {
        var last = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        return last < 0 ? segments.Length % 2 == 1 : (segments.Length - last - 2) % 2 == 1;
    }

    /// <summary>The ARM type of an id: the namespace after the last <c>providers</c>, then every type segment.</summary>
    public static string TypeOf(string id)
    {
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var last = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (last < 0 || last + 1 >= segments.Length)
        {
            return "Microsoft.Resources/" + (segments.Length > 0 ? segments[0] : "unknown");
        }

        var types = segments.Skip(last + 2).Where((_, i) => i % 2 == 0);
        return string.Join('/', new[] { segments[last + 1] }.Concat(types));
    }
}
