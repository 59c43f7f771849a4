using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace EvidenceCollector.Estate.Azure;

/// <summary>A subscription of the emulated tenant, with the role assignments at its scope.</summary>
public sealed record AzureSubscription(string Id, string DisplayName, string State, IReadOnlyList<AzureRoleAssignment> RoleAssignments);

/// <summary>A storage account: its resource group, location and the ARM <c>properties</c> object as ARM returns it (absent keys stay absent).</summary>
public sealed record AzureStorageAccount(string Name, string ResourceGroup, string Location, string PropertiesJson);

/// <summary>A custom role definition of a subscription: its name (a GUID), display name and actions.</summary>
public sealed record AzureCustomRole(string Name, string RoleName, IReadOnlyList<string> Actions);

/// <summary>A role assignment: who (<see cref="PrincipalType"/>: User, Group, ServicePrincipal) holds which role definition (its GUID).</summary>
public sealed record AzureRoleAssignment(string Name, string PrincipalId, string PrincipalType, string RoleDefinitionGuid);

/// <summary>
/// The emulated Azure estate: one tenant, the managed identity the collector runs as, and its subscriptions. Served
/// by <see cref="AzureServices"/>: the App Service managed-identity token endpoint and Resource Manager reads.
/// </summary>
public sealed class AzureEstate
{
    public string TenantId { get; init; } = "72f988bf-0000-4000-8000-000000000001";

    /// <summary>The managed identity's object id (the token's <c>oid</c>) and client id (<c>appid</c>).</summary>
    public string PrincipalObjectId { get; init; } = "a1b2c3d4-0000-4000-8000-00000000c0de";

    public string ClientId { get; init; } = "e5f6a7b8-0000-4000-8000-00000000c11e";

    /// <summary>The secret of the token endpoint (<c>IDENTITY_HEADER</c>); the demo's fixed dummy, like the AWS demo credentials.</summary>
    public string IdentityHeader { get; init; } = "evidence-demo-identity-header";

    public IReadOnlyList<AzureSubscription> Subscriptions { get; init; } = [];

    /// <summary>Storage accounts per subscription id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AzureStorageAccount>> StorageAccounts { get; init; } = new Dictionary<string, IReadOnlyList<AzureStorageAccount>>();

    /// <summary>Key vaults per subscription id (same shape as storage accounts: name, resource group, location, properties JSON).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AzureStorageAccount>> KeyVaults { get; init; } = new Dictionary<string, IReadOnlyList<AzureStorageAccount>>();

    /// <summary>Custom role definitions per subscription id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AzureCustomRole>> CustomRoles { get; init; } = new Dictionary<string, IReadOnlyList<AzureCustomRole>>();

    /// <summary>Management groups (their ids) and the subscriptions directly under them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ManagementGroups { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Two subscriptions with Owners, a group, a service principal holding Owner and a User Access Administrator.</summary>
    public static AzureEstate Demo() => new()
    {
        Subscriptions =
        [
            new("00000000-0000-4000-8000-000000000001", "Production", "Enabled",
            [
                new("3f0e2c1a-0000-4000-8000-000000000101", "10000000-0000-4000-8000-000000000001", "User", BuiltInRoles.Owner),
                new("3f0e2c1a-0000-4000-8000-000000000102", "10000000-0000-4000-8000-000000000002", "Group", BuiltInRoles.Owner),
                new("3f0e2c1a-0000-4000-8000-000000000103", "20000000-0000-4000-8000-000000000001", "ServicePrincipal", BuiltInRoles.Owner),
                new("3f0e2c1a-0000-4000-8000-000000000104", "10000000-0000-4000-8000-000000000003", "User", BuiltInRoles.UserAccessAdministrator),
                new("3f0e2c1a-0000-4000-8000-000000000105", "10000000-0000-4000-8000-000000000004", "User", BuiltInRoles.Reader),
            ]),
            new("00000000-0000-4000-8000-000000000002", "Sandbox", "Warned",
            [
                new("3f0e2c1a-0000-4000-8000-000000000201", "10000000-0000-4000-8000-000000000001", "User", BuiltInRoles.Owner),
            ]),
            new("00000000-0000-4000-8000-000000000003", "Retired", "Disabled", []),
        ],
        StorageAccounts = new Dictionary<string, IReadOnlyList<AzureStorageAccount>>(StringComparer.OrdinalIgnoreCase)
        {
            ["00000000-0000-4000-8000-000000000001"] =
            [
                new("stprodlogs", "rg-logging", "westeurope", """
                    {"provisioningState":"Succeeded","creationTime":"2024-01-15T08:00:00.0000000Z","primaryLocation":"westeurope","statusOfPrimary":"available",
                     "supportsHttpsTrafficOnly":true,"minimumTlsVersion":"TLS1_2","allowBlobPublicAccess":false,"allowSharedKeyAccess":false,
                     "networkAcls":{"bypass":"AzureServices","virtualNetworkRules":[],"ipRules":[],"defaultAction":"Deny"},
                     "encryption":{"services":{"blob":{"enabled":true,"keyType":"Account"},"file":{"enabled":true,"keyType":"Account"}},"keySource":"Microsoft.Storage","requireInfrastructureEncryption":true}}
                    """),
                new("stlegacy2019", "rg-legacy", "northeurope", """
                    {"provisioningState":"Succeeded","creationTime":"2019-03-02T11:30:00.0000000Z","primaryLocation":"northeurope","statusOfPrimary":"available",
                     "supportsHttpsTrafficOnly":false,
                     "networkAcls":{"bypass":"AzureServices","virtualNetworkRules":[],"ipRules":[],"defaultAction":"Allow"},
                     "encryption":{"services":{"blob":{"enabled":true,"keyType":"Account"}},"keySource":"Microsoft.Storage"}}
                    """),
            ],
        },
        KeyVaults = new Dictionary<string, IReadOnlyList<AzureStorageAccount>>(StringComparer.OrdinalIgnoreCase)
        {
            ["00000000-0000-4000-8000-000000000001"] =
            [
                new("kv-prod-secrets", "rg-security", "westeurope", """
                    {"tenantId":"72f988bf-0000-4000-8000-000000000001","sku":{"family":"A","name":"standard"},"accessPolicies":[],
                     "enabledForDeployment":false,"enabledForDiskEncryption":false,"enabledForTemplateDeployment":false,
                     "enableSoftDelete":true,"softDeleteRetentionInDays":90,"enableRbacAuthorization":true,"enablePurgeProtection":true,
                     "networkAcls":{"bypass":"AzureServices","defaultAction":"Deny","ipRules":[],"virtualNetworkRules":[]},
                     "vaultUri":"https://kv-prod-secrets.vault.azure.net/","provisioningState":"Succeeded","publicNetworkAccess":"Disabled"}
                    """),
                new("kv-legacy-app", "rg-legacy", "northeurope", """
                    {"tenantId":"72f988bf-0000-4000-8000-000000000001","sku":{"family":"A","name":"standard"},
                     "accessPolicies":[{"tenantId":"72f988bf-0000-4000-8000-000000000001","objectId":"10000000-0000-4000-8000-000000000004","permissions":{"keys":["get"],"secrets":["get","list"],"certificates":[]}}],
                     "enableSoftDelete":true,"softDeleteRetentionInDays":7,
                     "vaultUri":"https://kv-legacy-app.vault.azure.net/","provisioningState":"Succeeded","publicNetworkAccess":"Enabled"}
                    """),
            ],
        },
        CustomRoles = new Dictionary<string, IReadOnlyList<AzureCustomRole>>(StringComparer.OrdinalIgnoreCase)
        {
            ["00000000-0000-4000-8000-000000000001"] =
            [
                new("5d3f9a10-0000-4000-8000-0000000000a1", "Ops Admin", ["*"]),
                new("5d3f9a10-0000-4000-8000-0000000000a2", "VM Operator", ["Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/start/action", "Microsoft.Compute/virtualMachines/restart/action"]),
            ],
        },
        ManagementGroups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["contoso-prod"] = ["00000000-0000-4000-8000-000000000001"],
            ["contoso-sandbox"] = ["00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"],
        },
    };

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
/// The Azure service set: <c>GET /msi/token</c> (App Service managed identity, api-version 2019-08-01, the
/// <c>X-IDENTITY-HEADER</c> secret) issues a bearer token for the requested resource; Resource Manager reads need that
/// token and an <c>api-version</c>, and answer in ARM's shapes: lists as <c>value</c> + <c>nextLink</c> pages of
/// <see cref="EstateSwitches.PageSize"/>, errors as <c>{"error": {"code", "message"}}</c>, throttling as 429 with
/// <c>Retry-After</c> (switch key: the resource provider namespace, e.g. <c>Microsoft.Authorization</c>), injected
/// failures by resource provider and operation (<see cref="FailureRule.Service"/> / <see cref="FailureRule.Operation"/>,
/// <see cref="FailureRule.Account"/> = subscription id).
/// </summary>
public static class AzureServices
{
    public const string TokenPath = "/msi/token";

    public static Func<EstateHostContext, RequestDelegate> For(AzureEstate estate) => context => http => HandleAsync(estate, context, http);

    private static async Task HandleAsync(AzureEstate estate, EstateHostContext host, HttpContext http)
    {
        var arrived = host.Time.GetTimestamp();
        var path = http.Request.Path.Value ?? "/";
        if (path.Equals(TokenPath, StringComparison.OrdinalIgnoreCase))
        {
            await TokenAsync(estate, host, http).ConfigureAwait(false);
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var subscription = segments.Length >= 2 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) ? segments[1] : "tenant";
        var provider = ProviderOf(segments);
        var operation = OperationOf(segments);
        host.Stats.Received();
        host.Stats.Call(provider, operation);

        if (http.Request.Headers.Authorization.ToString() is not { } auth || auth != $"Bearer {IssuedToken(estate, http.Request.Host.ToString())}")
        {
            host.Stats.Rejected();
            await ErrorAsync(http, 401, "InvalidAuthenticationToken", "The access token is invalid.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(http.Request.Query["api-version"]))
        {
            await ErrorAsync(http, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.").ConfigureAwait(false);
            return;
        }

        await WaitLatencyAsync(host, arrived).ConfigureAwait(false);
        if (!host.Switches.TryAcquire(provider, subscription, "global"))
        {
            host.Stats.Throttle();
            http.Response.Headers["Retry-After"] = "1";
            await ErrorAsync(http, 429, "SubscriptionRequestsThrottled", $"Number of 'read' requests for subscription '{subscription}' actor '{estate.PrincipalObjectId}' exceeded. Please try again after '1' seconds after additional tokens are available.").ConfigureAwait(false);
            return;
        }

        if (host.Switches.MatchFailure(provider, operation, subscription, "global") is { } failure)
        {
            host.Stats.Injected();
            await FailAsync(estate, http, failure, subscription, provider, operation).ConfigureAwait(false);
            return;
        }

        var answer = Answer(estate, host, http, segments);
        if (answer is null)
        {
            await ErrorAsync(http, 404, "ResourceNotFound", $"The resource '{path}' was not found.").ConfigureAwait(false);
            return;
        }

        await JsonAsync(http, 200, answer).ConfigureAwait(false);
        host.Stats.AnsweredAfter(host.Time.GetElapsedTime(arrived));
    }

    private static JsonNode? Answer(AzureEstate estate, EstateHostContext host, HttpContext http, string[] segments)
    {
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
        if (segments is ["subscriptions"] or ["Subscriptions"])
        {
            return Page(host, http, baseUrl, estate.Subscriptions.Select(s => (JsonNode)Subscription(estate, s)).ToList());
        }

        if (segments.Length == 2 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            return estate.Subscriptions.FirstOrDefault(s => s.Id.Equals(segments[1], StringComparison.OrdinalIgnoreCase)) is { } one ? Subscription(estate, one) : null;
        }

        if (segments.Length == 5 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            && segments[3].Equals("Microsoft.Authorization", StringComparison.OrdinalIgnoreCase) && segments[4].Equals("roleAssignments", StringComparison.OrdinalIgnoreCase))
        {
            if (estate.Subscriptions.FirstOrDefault(s => s.Id.Equals(segments[1], StringComparison.OrdinalIgnoreCase)) is not { } sub)
            {
                return null;
            }

            var scope = $"/subscriptions/{sub.Id}";
            return Page(host, http, baseUrl, sub.RoleAssignments.Select(a => (JsonNode)new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["roleDefinitionId"] = $"{scope}/providers/Microsoft.Authorization/roleDefinitions/{a.RoleDefinitionGuid}",
                    ["principalId"] = a.PrincipalId,
                    ["principalType"] = a.PrincipalType,
                    ["scope"] = scope,
                    ["condition"] = null,
                    ["conditionVersion"] = null,
                    ["createdOn"] = "2024-03-01T09:12:44.0000000Z",
                    ["updatedOn"] = "2024-03-01T09:12:44.0000000Z",
                    ["createdBy"] = estate.PrincipalObjectId,
                    ["updatedBy"] = estate.PrincipalObjectId,
                    ["delegatedManagedIdentityResourceId"] = null,
                    ["description"] = null,
                },
                ["id"] = $"{scope}/providers/Microsoft.Authorization/roleAssignments/{a.Name}",
                ["type"] = "Microsoft.Authorization/roleAssignments",
                ["name"] = a.Name,
            }).ToList());
        }

        if (segments.Length == 5 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            && segments[3].Equals("Microsoft.Storage", StringComparison.OrdinalIgnoreCase) && segments[4].Equals("storageAccounts", StringComparison.OrdinalIgnoreCase))
        {
            return Resources(host, http, baseUrl, estate, segments[1], estate.StorageAccounts, "Microsoft.Storage/storageAccounts", new JsonObject
            {
                ["sku"] = new JsonObject { ["name"] = "Standard_LRS", ["tier"] = "Standard" },
                ["kind"] = "StorageV2",
            });
        }

        if (segments.Length == 5 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            && segments[3].Equals("Microsoft.KeyVault", StringComparison.OrdinalIgnoreCase) && segments[4].Equals("vaults", StringComparison.OrdinalIgnoreCase))
        {
            return Resources(host, http, baseUrl, estate, segments[1], estate.KeyVaults, "Microsoft.KeyVault/vaults", new JsonObject());
        }

        if (segments.Length == 5 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            && segments[3].Equals("Microsoft.Authorization", StringComparison.OrdinalIgnoreCase) && segments[4].Equals("roleDefinitions", StringComparison.OrdinalIgnoreCase))
        {
            if (estate.Subscriptions.FirstOrDefault(s => s.Id.Equals(segments[1], StringComparison.OrdinalIgnoreCase)) is not { } sub)
            {
                return null;
            }

            var scope = $"/subscriptions/{sub.Id}";
            var filter = http.Request.Query["$filter"].ToString();
            var custom = estate.CustomRoles.TryGetValue(sub.Id, out var roles) ? roles : [];
            var definitions = custom.Select(r => (r.Name, r.RoleName, Type: "CustomRole", r.Actions))
                .Concat(filter.Contains("CustomRole", StringComparison.OrdinalIgnoreCase) ? [] : BuiltIns)
                .Select(d => (JsonNode)new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["roleName"] = d.RoleName,
                        ["type"] = d.Type,
                        ["description"] = d.Type == "CustomRole" ? $"{d.RoleName} (custom)" : $"Built-in {d.RoleName}",
                        ["assignableScopes"] = new JsonArray(d.Type == "CustomRole" ? scope : "/"),
                        ["permissions"] = new JsonArray(new JsonObject
                        {
                            ["actions"] = new JsonArray(d.Actions.Select(a => (JsonNode)a).ToArray()),
                            ["notActions"] = new JsonArray(),
                            ["dataActions"] = new JsonArray(),
                            ["notDataActions"] = new JsonArray(),
                        }),
                        ["createdOn"] = "2024-02-12T10:20:00.0000000Z",
                        ["updatedOn"] = "2024-02-12T10:20:00.0000000Z",
                        ["createdBy"] = null,
                        ["updatedBy"] = null,
                    },
                    ["id"] = $"{scope}/providers/Microsoft.Authorization/roleDefinitions/{d.Name}",
                    ["type"] = "Microsoft.Authorization/roleDefinitions",
                    ["name"] = d.Name,
                }).ToList();
            return Page(host, http, baseUrl, definitions);
        }

        if (segments.Length == 5 && segments[0].Equals("providers", StringComparison.OrdinalIgnoreCase) && segments[1].Equals("Microsoft.Management", StringComparison.OrdinalIgnoreCase)
            && segments[2].Equals("managementGroups", StringComparison.OrdinalIgnoreCase) && segments[4].Equals("descendants", StringComparison.OrdinalIgnoreCase))
        {
            if (!estate.ManagementGroups.TryGetValue(segments[3], out var members))
            {
                return null;
            }

            var group = $"/providers/Microsoft.Management/managementGroups/{segments[3]}";
            return Page(host, http, baseUrl, members.Select(id => (JsonNode)new JsonObject
            {
                ["id"] = $"{group}/subscriptions/{id}",
                ["type"] = "Microsoft.Management/managementGroups/subscriptions",
                ["name"] = id,
                ["properties"] = new JsonObject
                {
                    ["displayName"] = estate.Subscriptions.FirstOrDefault(s => s.Id == id)?.DisplayName,
                    ["parent"] = new JsonObject { ["id"] = group },
                },
            }).ToList());
        }

        return null;
    }

    /// <summary>A subscription's resources of one type as an ARM list: <paramref name="extra"/> top-level properties, then id, name, type, location, tags, properties.</summary>
    private static JsonObject? Resources(EstateHostContext host, HttpContext http, string baseUrl, AzureEstate estate, string subscription, IReadOnlyDictionary<string, IReadOnlyList<AzureStorageAccount>> byType, string type, JsonObject extra)
    {
        if (estate.Subscriptions.FirstOrDefault(s => s.Id.Equals(subscription, StringComparison.OrdinalIgnoreCase)) is not { } owner)
        {
            return null;
        }

        var resources = byType.TryGetValue(owner.Id, out var list) ? list : [];
        return Page(host, http, baseUrl, resources.Select(a =>
        {
            var item = (JsonObject)extra.DeepClone();
            item["id"] = $"/subscriptions/{owner.Id}/resourceGroups/{a.ResourceGroup}/providers/{type}/{a.Name}";
            item["name"] = a.Name;
            item["type"] = type;
            item["location"] = a.Location;
            item["tags"] = new JsonObject();
            item["properties"] = JsonNode.Parse(a.PropertiesJson);
            return (JsonNode)item;
        }).ToList());
    }

    private static readonly (string Name, string RoleName, string Type, IReadOnlyList<string> Actions)[] BuiltIns =
    [
        (AzureEstate.BuiltInRoles.Owner, "Owner", "BuiltInRole", ["*"]),
        (AzureEstate.BuiltInRoles.Contributor, "Contributor", "BuiltInRole", ["*"]),
        (AzureEstate.BuiltInRoles.Reader, "Reader", "BuiltInRole", ["*/read"]),
        (AzureEstate.BuiltInRoles.UserAccessAdministrator, "User Access Administrator", "BuiltInRole", ["*/read", "Microsoft.Authorization/*"]),
    ];

    private static JsonObject Subscription(AzureEstate estate, AzureSubscription s) => new()
    {
        ["id"] = $"/subscriptions/{s.Id}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = s.Id,
        ["tenantId"] = estate.TenantId,
        ["displayName"] = s.DisplayName,
        ["state"] = s.State,
        ["subscriptionPolicies"] = new JsonObject { ["locationPlacementId"] = "Public_2014-09-01", ["quotaId"] = "PayAsYouGo_2014-09-01", ["spendingLimit"] = "Off" },
    };

    /// <summary>One page of <paramref name="items"/> at <c>$skiptoken</c>, with a <c>nextLink</c> to the rest.</summary>
    private static JsonObject Page(EstateHostContext host, HttpContext http, string baseUrl, IReadOnlyList<JsonNode> items)
    {
        var size = Math.Max(1, host.Switches.PageSize);

        var start = int.TryParse(http.Request.Query["$skiptoken"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var skip) ? skip : 0;
        var page = new JsonObject { ["value"] = new JsonArray(items.Skip(start).Take(size).Select(i => i.DeepClone()).ToArray()) };
        if (start + size < items.Count)
        {
            var apiVersion = Uri.EscapeDataString(http.Request.Query["api-version"].ToString());
            page["nextLink"] = $"{baseUrl}{http.Request.Path}?api-version={apiVersion}&$skiptoken={start + size}";
        }

        return page;
    }

    private static async Task TokenAsync(AzureEstate estate, EstateHostContext host, HttpContext http)
    {
        host.Stats.Received();
        host.Stats.Call("identity", "token");
        if (http.Request.Headers["X-IDENTITY-HEADER"].ToString() != estate.IdentityHeader)
        {
            host.Stats.Rejected();
            await JsonAsync(http, 401, new JsonObject { ["statusCode"] = 401, ["message"] = "Unauthorized request: the X-IDENTITY-HEADER does not match", ["correlationId"] = Guid.NewGuid().ToString() }).ConfigureAwait(false);
            return;
        }

        var resource = http.Request.Query["resource"].ToString();
        if (string.IsNullOrEmpty(resource) || http.Request.Query["api-version"] != "2019-08-01")
        {
            await JsonAsync(http, 400, new JsonObject { ["statusCode"] = 400, ["message"] = "resource and api-version=2019-08-01 are required", ["correlationId"] = Guid.NewGuid().ToString() }).ConfigureAwait(false);
            return;
        }

        var expires = host.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        await JsonAsync(http, 200, new JsonObject
        {
            ["access_token"] = IssuedToken(estate, http.Request.Host.ToString()),
            ["expires_on"] = expires.ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = estate.ClientId,
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The one token this estate issues: a JWT-shaped string with the managed identity's claims (unsigned: the estate is
    /// the only party that checks it, by comparison). The same for every resource, so a test can see it in requests.
    /// </summary>
    public static string IssuedToken(AzureEstate estate, string host)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var claims = new JsonObject
        {
            ["aud"] = "https://management.azure.com/",
            ["iss"] = $"https://sts.windows.net/{estate.TenantId}/",
            ["tid"] = estate.TenantId,
            ["oid"] = estate.PrincipalObjectId,
            ["appid"] = estate.ClientId,
            ["idtyp"] = "app",
        };
        return $"{B64("""{"typ":"JWT","alg":"none"}""")}.{B64(claims.ToJsonString())}.ZXN0YXRl";
    }

    private static async Task FailAsync(AzureEstate estate, HttpContext http, FailureRule failure, string subscription, string provider, string operation)
    {
        switch (failure.Kind)
        {
            case FailureKind.AccessDenied:
                await ErrorAsync(http, 403, "AuthorizationFailed", $"The client '{estate.PrincipalObjectId}' with object id '{estate.PrincipalObjectId}' does not have authorization to perform action '{provider}/{operation}/read' over scope '/subscriptions/{subscription}' or the scope is invalid. If access was recently granted, please refresh your credentials.").ConfigureAwait(false);
                break;
            case FailureKind.Throttle:
                http.Response.Headers["Retry-After"] = "1";
                await ErrorAsync(http, 429, "SubscriptionRequestsThrottled", $"Number of 'read' requests for subscription '{subscription}' actor '{estate.PrincipalObjectId}' exceeded. Please try again after '1' seconds after additional tokens are available.").ConfigureAwait(false);
                break;
            case FailureKind.MalformedBody:
                http.Response.StatusCode = 200;
                http.Response.ContentType = "application/json; charset=utf-8";
                await http.Response.WriteAsync("{\"value\":[{\"id\":", http.RequestAborted).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync(http, 500, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp '20240301T091244Z'.").ConfigureAwait(false);
                break;
        }
    }

    private static Task ErrorAsync(HttpContext http, int status, string code, string message) =>
        JsonAsync(http, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task JsonAsync(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        http.Response.Headers["x-ms-correlation-request-id"] = http.Request.Headers["x-ms-client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString();
        await http.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WaitLatencyAsync(EstateHostContext host, long arrived)
    {
        var left = host.Switches.Latency - host.Time.GetElapsedTime(arrived);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, host.Time, host.Stopping).ConfigureAwait(false);
        }
    }

    /// <summary>The resource provider a path addresses: the last <c>providers/&lt;namespace&gt;</c>, else Microsoft.Resources.</summary>
    private static string ProviderOf(string[] segments)
    {
        var provider = "Microsoft.Resources";
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i].Equals("providers", StringComparison.OrdinalIgnoreCase))
            {
                provider = segments[i + 1];
            }
        }

        return provider;
    }

    /// <summary>The operation: the last resource type segment (<c>roleAssignments</c>, <c>subscriptions</c>).</summary>
    private static string OperationOf(string[] segments) =>
        segments.Length == 0 ? "root" : segments.Length % 2 == 1 ? segments[^1] : segments[^2];
}
