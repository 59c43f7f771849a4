using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace EvidenceCollector.Estate.Azure;

/// <summary>
/// The Azure service set: <c>GET /msi/token</c> (App Service managed identity, api-version 2019-08-01, the
/// <c>X-IDENTITY-HEADER</c> secret) issues a bearer token for the requested resource; Resource Manager reads need that
/// token and an <c>api-version</c>, and answer in ARM's shapes: lists as <c>value</c> + <c>nextLink</c> pages of
/// <see cref="EstateSwitches.PageSize"/> (Policy Insights queries as <c>@odata.nextLink</c> pages), errors as
/// <c>{"error": {"code", "message"}}</c>, throttling as 429 with <c>Retry-After</c> (switch key: the resource provider
/// namespace, e.g. <c>Microsoft.Authorization</c>), an unregistered resource provider as 409
/// <c>MissingSubscriptionRegistration</c>, a refused api-version as 400 <c>NoRegisteredProviderFound</c>, injected
/// failures by resource provider and resource type (<see cref="FailureRule.Service"/> / <see cref="FailureRule.Operation"/>,
/// e.g. <c>Microsoft.Sql</c> / <c>servers/databases</c>; <see cref="FailureRule.Account"/> = subscription id).
/// </summary>
public static class AzureServices
{
    public const string TokenPath = "/msi/token";

    public const string PolicyInsightsApiVersion = "2019-10-01";

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
        var type = TypeOf(segments);
        var post = HttpMethods.IsPost(http.Request.Method);
        host.Stats.Received();
        host.Stats.Call(provider, post ? type + "/action" : type);

        if (http.Request.Headers.Authorization.ToString() is not { } auth || auth != $"Bearer {IssuedToken(estate, http.Request.Host.ToString())}")
        {
            host.Stats.Rejected();
            await ErrorAsync(http, 401, "InvalidAuthenticationToken", "The access token is invalid.").ConfigureAwait(false);
            return;
        }

        var apiVersion = http.Request.Query["api-version"].ToString();
        if (string.IsNullOrEmpty(apiVersion))
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

        if (host.Switches.MatchFailure(provider, type, subscription, "global") is { } failure)
        {
            host.Stats.Injected();
            await FailAsync(estate, http, failure, subscription, provider, type).ConfigureAwait(false);
            return;
        }

        var sub = estate.FindSubscription(subscription);
        if (sub is not null && sub.UnregisteredProviders.Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            await ErrorAsync(http, 409, "MissingSubscriptionRegistration", $"The subscription is not registered to use namespace '{provider}'. See https://aka.ms/rps-not-found for how to register subscriptions.").ConfigureAwait(false);
            return;
        }

        if (sub is not null && sub.RefusedApiVersions.Contains($"{provider}/{type}@{apiVersion}", StringComparer.OrdinalIgnoreCase))
        {
            await ErrorAsync(http, 400, "NoRegisteredProviderFound", $"No registered resource provider found for location 'global' and API version '{apiVersion}' for type '{type[(type.IndexOf('/') + 1)..]}'. The supported api-versions are '2017-08-01-preview, 2020-01-01-preview'. The supported locations are ', global'.").ConfigureAwait(false);
            return;
        }

        var answer = post ? Query(estate, host, http, sub, segments) : Answer(estate, host, http, segments);
        if (answer is null)
        {
            await ErrorAsync(http, 404, "ResourceNotFound", $"The Resource '{type}' under resource path '{path}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix").ConfigureAwait(false);
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
            return estate.FindSubscription(segments[1]) is { } one ? Subscription(estate, one) : null;
        }

        if (Is(segments, "Microsoft.Authorization", "roleAssignments"))
        {
            return estate.FindSubscription(segments[1]) is { } sub ? Page(host, http, baseUrl, RoleAssignments(estate, sub)) : null;
        }

        if (Is(segments, "Microsoft.Authorization", "roleDefinitions"))
        {
            return estate.FindSubscription(segments[1]) is { } sub ? Page(host, http, baseUrl, RoleDefinitions(sub, http.Request.Query["$filter"].ToString())) : null;
        }

        if (segments.Length == 5 && segments[0].Equals("providers", StringComparison.OrdinalIgnoreCase) && segments[1].Equals("Microsoft.Management", StringComparison.OrdinalIgnoreCase)
            && segments[2].Equals("managementGroups", StringComparison.OrdinalIgnoreCase) && segments[4].Equals("descendants", StringComparison.OrdinalIgnoreCase))
        {
            return estate.ManagementGroups.TryGetValue(segments[3], out var members) ? Page(host, http, baseUrl, Descendants(estate, segments[3], members)) : null;
        }

        var path = "/" + string.Join('/', segments);
        if (!ResourceIndex.IsCollection(segments))
        {
            return estate.Index.Find(path)?.DeepClone();
        }

        if (estate.Index.List(path) is { } items)
        {
            return Page(host, http, baseUrl, items);
        }

        // An empty collection under something that exists (the subscription, or a resource) is an empty list.
        var parent = segments.Length >= 4 && segments[^3].Equals("providers", StringComparison.OrdinalIgnoreCase) ? segments[..^3] : segments[..^1];
        var exists = parent.Length == 2 ? estate.FindSubscription(parent[1]) is not null : estate.Index.Find("/" + string.Join('/', parent)) is not null;
        return exists ? new JsonObject { ["value"] = new JsonArray() } : null;
    }

    /// <summary>Policy Insights: <c>policyStates/latest/queryResults</c> (paged with <c>@odata.nextLink</c>, <c>$filter</c> on the compliance state) and <c>summarize</c>.</summary>
    private static JsonNode? Query(AzureEstate estate, EstateHostContext host, HttpContext http, AzureSubscription? sub, string[] segments)
    {
        if (sub is null || segments.Length != 7 || !segments[3].Equals("Microsoft.PolicyInsights", StringComparison.OrdinalIgnoreCase)
            || !segments[4].Equals("policyStates", StringComparison.OrdinalIgnoreCase) || !segments[5].Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var filter = http.Request.Query["$filter"].ToString();
        var states = sub.PolicyStates
            .Where(s => !filter.Contains("ComplianceState eq 'NonCompliant'", StringComparison.OrdinalIgnoreCase) || s["complianceState"]?.GetValue<string>() == "NonCompliant")
            .ToList();
        var context = $"{http.Request.Scheme}://{http.Request.Host}/subscriptions/{sub.Id}/providers/Microsoft.PolicyInsights/policyStates/$metadata#latest";
        if (segments[6].Equals("queryResults", StringComparison.OrdinalIgnoreCase))
        {
            var size = Math.Max(1, host.Switches.PageSize);
            var start = int.TryParse(http.Request.Query["$skiptoken"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var skip) ? skip : 0;
            var page = new JsonObject
            {
                ["@odata.context"] = context,
                ["@odata.count"] = Math.Min(size, Math.Max(0, states.Count - start)),
                ["value"] = new JsonArray(states.Skip(start).Take(size).Select(s =>
                {
                    var state = (JsonObject)s.DeepClone();
                    // A state the estate file gives no time was evaluated three hours before the answer (Azure Policy re-evaluates daily).
                    state["timestamp"] ??= host.Time.GetUtcNow().AddHours(-3).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    state["@odata.id"] = null;
                    state["@odata.context"] = context + "/$entity";
                    return (JsonNode)state;
                }).ToArray()),
            };
            if (start + size < states.Count)
            {
                page["@odata.nextLink"] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}?api-version={Uri.EscapeDataString(http.Request.Query["api-version"].ToString())}"
                    + (filter.Length > 0 ? $"&$filter={Uri.EscapeDataString(filter)}" : string.Empty) + $"&$skiptoken={start + size}";
            }

            return page;
        }

        if (!segments[6].Equals("summarize", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        static string Text(JsonObject s, string key) => s[key]?.GetValue<string>() ?? string.Empty;
        static bool NonCompliant(JsonObject s) => Text(s, "complianceState") == "NonCompliant";
        var assignments = sub.PolicyStates.GroupBy(s => Text(s, "policyAssignmentId"), StringComparer.OrdinalIgnoreCase).Select(a => (JsonNode)new JsonObject
        {
            ["policyAssignmentId"] = a.Key,
            ["policySetDefinitionId"] = a.Select(s => Text(s, "policySetDefinitionId")).FirstOrDefault(),
            ["results"] = new JsonObject
            {
                ["queryResultsUri"] = $"{http.Request.Scheme}://{http.Request.Host}/subscriptions/{sub.Id}/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults?api-version={PolicyInsightsApiVersion}&$filter=IsCompliant eq false and PolicyAssignmentId eq '{a.Key}'",
                ["nonCompliantResources"] = a.Where(NonCompliant).Select(s => Text(s, "resourceId")).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
                ["nonCompliantPolicies"] = a.Where(NonCompliant).Select(s => Text(s, "policyDefinitionId")).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
            },
            ["policyDefinitions"] = new JsonArray(a.GroupBy(s => Text(s, "policyDefinitionId"), StringComparer.OrdinalIgnoreCase).Select(d => (JsonNode)new JsonObject
            {
                ["policyDefinitionId"] = d.Key,
                ["policyDefinitionReferenceId"] = d.Select(s => Text(s, "policyDefinitionReferenceId")).FirstOrDefault(),
                ["effect"] = d.Select(s => Text(s, "policyDefinitionAction")).FirstOrDefault(),
                ["results"] = new JsonObject { ["nonCompliantResources"] = d.Count(NonCompliant) },
            }).ToArray()),
        }).ToArray();
        return new JsonObject
        {
            ["@odata.context"] = $"{http.Request.Scheme}://{http.Request.Host}/subscriptions/{sub.Id}/providers/Microsoft.PolicyInsights/policyStates/$metadata#summary",
            ["@odata.count"] = 1,
            ["value"] = new JsonArray(new JsonObject
            {
                ["@odata.id"] = null,
                ["@odata.context"] = $"{http.Request.Scheme}://{http.Request.Host}/subscriptions/{sub.Id}/providers/Microsoft.PolicyInsights/policyStates/$metadata#summary/$entity",
                ["results"] = new JsonObject
                {
                    ["queryResultsUri"] = $"{http.Request.Scheme}://{http.Request.Host}/subscriptions/{sub.Id}/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults?api-version={PolicyInsightsApiVersion}&$filter=IsCompliant eq false",
                    ["nonCompliantResources"] = sub.PolicyStates.Where(NonCompliant).Select(s => Text(s, "resourceId")).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
                    ["nonCompliantPolicies"] = sub.PolicyStates.Where(NonCompliant).Select(s => Text(s, "policyDefinitionId")).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
                },
                ["policyAssignments"] = new JsonArray(assignments),
            }),
        };
    }

    private static bool Is(string[] segments, string provider, string type) =>
        segments.Length == 5 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
        && segments[3].Equals(provider, StringComparison.OrdinalIgnoreCase) && segments[4].Equals(type, StringComparison.OrdinalIgnoreCase);

    private static List<JsonNode> RoleAssignments(AzureEstate estate, AzureSubscription sub)
    {
        var scope = $"/subscriptions/{sub.Id}";
        return sub.RoleAssignments.Select(a => (JsonNode)new JsonObject
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
        }).ToList();
    }

    private static List<JsonNode> RoleDefinitions(AzureSubscription sub, string filter)
    {
        var scope = $"/subscriptions/{sub.Id}";
        return sub.CustomRoles.Select(r => (r.Name, r.RoleName, Type: "CustomRole", r.Actions))
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
    }

    private static List<JsonNode> Descendants(AzureEstate estate, string groupId, IEnumerable<string> members)
    {
        var group = $"/providers/Microsoft.Management/managementGroups/{groupId}";
        return members.Select(id => (JsonNode)new JsonObject
        {
            ["id"] = $"{group}/subscriptions/{id}",
            ["type"] = "Microsoft.Management/managementGroups/subscriptions",
            ["name"] = id,
            ["properties"] = new JsonObject
            {
                ["displayName"] = estate.FindSubscription(id)?.DisplayName,
                ["parent"] = new JsonObject { ["id"] = group },
            },
        }).ToList();
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
            var filter = http.Request.Query["$filter"].ToString();
            page["nextLink"] = $"{baseUrl}{http.Request.Path}?api-version={apiVersion}" + (filter.Length > 0 ? $"&$filter={Uri.EscapeDataString(filter)}" : string.Empty) + $"&$skiptoken={start + size}";
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

    private static async Task FailAsync(AzureEstate estate, HttpContext http, FailureRule failure, string subscription, string provider, string type)
    {
        switch (failure.Kind)
        {
            case FailureKind.AccessDenied:
                await ErrorAsync(http, 403, "AuthorizationFailed", $"The client '{estate.PrincipalObjectId}' with object id '{estate.PrincipalObjectId}' does not have authorization to perform action '{provider}/{type}/read' over scope '/subscriptions/{subscription}' or the scope is invalid. If access was recently granted, please refresh your credentials.").ConfigureAwait(false);
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
        var last = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        return last >= 0 && last + 1 < segments.Length ? segments[last + 1] : "Microsoft.Resources";
    }

    /// <summary>
    /// The resource type a path addresses, without its namespace: the type segments after the last provider
    /// (<c>servers/databases/transparentDataEncryption</c>, <c>policyStates/summarize</c>), or <c>subscriptions</c>.
    /// </summary>
    private static string TypeOf(string[] segments)
    {
        var last = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (last < 0 || last + 2 >= segments.Length)
        {
            return segments.Length == 0 ? "root" : segments[0];
        }

        return string.Join('/', segments.Skip(last + 2).Where((_, i) => i % 2 == 0));
    }
}
