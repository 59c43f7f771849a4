using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Redaction;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Iam;

/// <summary>
/// IAM (global): the credential report (its CSV text, checked to parse and redacted cell by cell, with the answer time as <c>collectedAt</c>),
/// the password policy, the account summary, customer-managed and attached AWS-managed policies with their
/// default version's document, users with their directly attached and inline policies (documents included),
/// groups with their members and policies, and roles with their trust policy and policies.
/// </summary>
public sealed class IamCollector(AwsClients clients, ILogger<IamCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(
        Provider.Aws, "aws.iam", "iam", true,
        [AwsKinds.IamCredentialReport, AwsKinds.IamPasswordPolicy, AwsKinds.IamAccountSummary, AwsKinds.IamPolicy, AwsKinds.IamUser, AwsKinds.IamGroup, AwsKinds.IamRole]);

    // A credential report is one record per account that can hold thousands of rows, and every account's
    // report is ready at the start of a run: they are fetched and turned into evidence one at a time, so
    // memory follows the largest report, not the number of accounts.
    private readonly SemaphoreSlim _reportGate = new(1, 1);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        var context = session.In(AwsService.GlobalSigningRegion);
        await AllAsync(
            result,
            r => CredentialReportAsync(session, context, r, cancellationToken),
            r => PasswordPolicyAsync(session, context, r, cancellationToken),
            r => AccountSummaryAsync(session, context, r, cancellationToken),
            r => PoliciesAsync(context, r, cancellationToken),
            r => UsersAsync(context, r, cancellationToken),
            r => GroupsAsync(context, r, cancellationToken),
            r => RolesAsync(context, r, cancellationToken)).ConfigureAwait(false);
    }

    private async Task CredentialReportAsync(AwsSession session, AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        try
        {
            for (var poll = 1; ; poll++)
            {
                var generated = await api.QueryAsync(context, AwsOperations.IamGenerateCredentialReport, null, cancellationToken).ConfigureAwait(false);
                if (string.Equals(generated.Body["State"]?.GetValue<string>(), "COMPLETE", StringComparison.Ordinal))
                {
                    break;
                }

                if (poll >= Clients.Options.CredentialReportMaxPolls)
                {
                    throw new AwsApiException(AwsOperations.IamGenerateCredentialReport, "ReportInProgress", $"the credential report was not complete after {poll} polls", null, generated.RequestId);
                }

                await Task.Delay(Clients.Options.CredentialReportPollInterval, Clients.Time, cancellationToken).ConfigureAwait(false);
            }

            // Fetched under the gate too: a report's answer (base64 in XML) is several times the CSV's size,
            // and every account's would otherwise be held at once while waiting for its turn.
            await _reportGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var answer = await api.QueryAsync(context, AwsOperations.IamGetCredentialReport, null, cancellationToken).ConfigureAwait(false);
                EmitCredentialReport(session, answer, result);
            }
            finally
            {
                _reportGate.Release();
            }
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.IamCredentialReport));
        }
    }

    private static void EmitCredentialReport(AwsSession session, AwsAnswer answer, CollectionResult result)
    {
        var op = AwsOperations.IamGetCredentialReport;
        byte[] bytes;
        try
        {
            var content = answer.Body["Content"]?.GetValue<string>()
                ?? throw new AwsApiException(op, AwsApiException.MalformedResponse, "the answer has no Content", null, answer.RequestId);
            bytes = Convert.FromBase64String(content);
        }
        catch (FormatException e)
        {
            throw new AwsApiException(op, AwsApiException.MalformedResponse, "Content is not base64: " + e.Message, null, answer.RequestId, e);
        }

        // A report of thousands of users is megabytes of base64: let it go once decoded, and read the CSV from its
        // bytes rather than from one more string of it.
        answer.Body.Remove("Content");
        string csv;
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Utf8, detectEncodingFromByteOrderMarks: false);
            csv = CredentialReportCsv.Redacted(reader);
        }
        catch (Formats.CsvFormatException e)
        {
            throw new AwsApiException(op, AwsApiException.MalformedResponse, "the credential report cannot be read: " + e.Message, null, answer.RequestId, e);
        }

        // The report is kept as CSV text (decoded from base64, each cell redacted on its own and quoted), not as
        // rows of JSON: a row per user as JSON objects was ~20 MiB of nodes for 5 000 users and three times the
        // text once stored. The checks read the rows from the text.
        var payload = new JsonObject
        {
            ["GeneratedTime"] = answer.Body["GeneratedTime"]?.DeepClone(),
            ["ReportFormat"] = answer.Body["ReportFormat"]?.DeepClone(),
            ["collectedAt"] = AwsJson.Time(answer.AnsweredAt),
            ["Csv"] = csv,
        };
        result.Records.Add(Record(AwsKinds.IamCredentialReport, AwsArn.AccountRoot(session.AccountId), Global, payload, "iam", answer.Endpoint, answer.RequestId, answer.AnsweredAt, AwsOperations.IamGenerateCredentialReport, AwsOperations.IamGetCredentialReport));
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private async Task PasswordPolicyAsync(AwsSession session, AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        var op = AwsOperations.IamGetAccountPasswordPolicy;
        try
        {
            var answer = await Clients.Api.QueryAsync(context, op, null, cancellationToken).ConfigureAwait(false);
            var payload = new JsonObject { ["PasswordPolicyPresent"] = true, ["PasswordPolicy"] = answer.Body["PasswordPolicy"]?.DeepClone() };
            result.Records.Add(Record(AwsKinds.IamPasswordPolicy, AwsArn.AccountRoot(session.AccountId), Global, payload, "iam", answer.Endpoint, answer.RequestId, answer.AnsweredAt, op));
        }
        catch (AwsApiException e) when (e.Code == "NoSuchEntity")
        {
            // No policy is a finding (AWS defaults apply), not a collection gap.
            var payload = new JsonObject { ["PasswordPolicyPresent"] = false, ["NoSuchEntity"] = new JsonObject { ["message"] = e.AwsMessage } };
            var endpoint = Clients.Endpoints.Resolve(AwsService.Iam, AwsService.GlobalSigningRegion);
            result.Records.Add(Record(AwsKinds.IamPasswordPolicy, AwsArn.AccountRoot(session.AccountId), Global, payload, "iam", endpoint, e.RequestId, Clients.Time.GetUtcNow(), op));
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.IamPasswordPolicy));
        }
    }

    private async Task AccountSummaryAsync(AwsSession session, AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await Clients.Api.QueryAsync(context, AwsOperations.IamGetAccountSummary, null, cancellationToken).ConfigureAwait(false);
            result.Records.Add(Record(AwsKinds.IamAccountSummary, AwsArn.AccountRoot(session.AccountId), Global, answer.Body, "iam", answer.Endpoint, answer.RequestId, answer.AnsweredAt, AwsOperations.IamGetAccountSummary));
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.IamAccountSummary));
        }
    }

    private async Task PoliciesAsync(AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        var scopes = new[]
        {
            new Dictionary<string, string> { ["Scope"] = "Local" },
            new Dictionary<string, string> { ["Scope"] = "AWS", ["OnlyAttached"] = "true" },
        };
        foreach (var scope in scopes)
        {
            AwsListAnswer list;
            try
            {
                list = await api.QueryListAsync(context, AwsOperations.IamListPolicies, scope, "Policies", cancellationToken).ConfigureAwait(false);
            }
            catch (AwsApiException e)
            {
                result.Errors.Add(Error(e, Global, null, AwsKinds.IamPolicy));
                continue;
            }

            await ForEachAsync(list.Items.OfType<JsonObject>(), result, async (item, part, token) =>
            {
                var arn = item["Arn"]?.GetValue<string>();
                if (arn is null)
                {
                    part.Errors.Add(new CollectionError([AwsKinds.IamPolicy], Global, null, AwsApiException.MalformedResponse, "ListPolicies returned a policy without an Arn", AwsOperations.IamListPolicies.Name));
                    return;
                }

                var payload = (JsonObject)item.DeepClone();
                payload["Scope"] = scope["Scope"];
                var at = list.Last.AnsweredAt;
                string? requestId = list.Last.RequestId;
                payload["PolicyVersion"] = await SectionAsync(async () =>
                {
                    var version = await api.QueryAsync(context, AwsOperations.IamGetPolicyVersion, new Dictionary<string, string>
                    {
                        ["PolicyArn"] = arn,
                        ["VersionId"] = item["DefaultVersionId"]?.GetValue<string>()
                            ?? throw new AwsApiException(AwsOperations.IamListPolicies, AwsApiException.MalformedResponse, $"policy {arn} has no DefaultVersionId", null, list.Last.RequestId),
                    }, token).ConfigureAwait(false);
                    at = version.AnsweredAt;
                    requestId = version.RequestId;
                    var policyVersion = version.Body["PolicyVersion"] as JsonObject ?? new JsonObject();
                    var copy = (JsonObject)policyVersion.DeepClone();
                    copy["Document"] = PolicyDocument(AwsOperations.IamGetPolicyVersion, policyVersion["Document"]?.GetValue<string>(), version.RequestId);
                    return copy;
                }).ConfigureAwait(false);
                part.Records.Add(Record(AwsKinds.IamPolicy, arn, Global, payload, "iam", list.Last.Endpoint, requestId, at, AwsOperations.IamListPolicies, AwsOperations.IamGetPolicyVersion));
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>IAM returns policy documents URL-encoded; the stored evidence is the decoded JSON.</summary>
    internal static JsonNode PolicyDocument(AwsOperation operation, string? encoded, string? requestId)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the policy version has no Document", null, requestId);
        }

        try
        {
            return JsonNode.Parse(Uri.UnescapeDataString(encoded))
                ?? throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the policy document is empty", null, requestId);
        }
        catch (JsonException e)
        {
            throw new AwsApiException(operation, AwsApiException.MalformedResponse, "the policy document is not JSON: " + e.Message, null, requestId, e);
        }
    }

    private async Task UsersAsync(AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        try
        {
            // Page by page: each page's users fan out before the next page is asked for.
            await api.QueryPagesAsync(context, AwsOperations.IamListUsers, null, "Users", (items, page) => UsersPageAsync(api, context, items, page, result, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.IamUser));
        }
    }

    private Task UsersPageAsync(AwsApiClient api, AwsCallContext context, IReadOnlyList<JsonNode?> items, AwsAnswer users, CollectionResult result, CancellationToken cancellationToken) =>
        ForEachAsync(items.OfType<JsonObject>(), result, async (user, part, token) =>
        {
            var name = user["UserName"]?.GetValue<string>();
            var arn = user["Arn"]?.GetValue<string>();
            if (name is null || arn is null)
            {
                part.Errors.Add(new CollectionError([AwsKinds.IamUser], Global, null, AwsApiException.MalformedResponse, "ListUsers returned a user without a UserName or Arn", AwsOperations.IamListUsers.Name));
                return;
            }

            var payload = new JsonObject { ["User"] = user.DeepClone() };
            var at = users.AnsweredAt;
            void Answered(DateTimeOffset t) => at = t;
            payload["AttachedPolicies"] = await AttachedPoliciesAsync(context, AwsOperations.IamListAttachedUserPolicies, "UserName", name, Answered, token).ConfigureAwait(false);
            payload["InlinePolicies"] = await InlinePoliciesAsync(context, AwsOperations.IamListUserPolicies, AwsOperations.IamGetUserPolicy, "UserName", name, Answered, token).ConfigureAwait(false);
            part.Records.Add(Record(AwsKinds.IamUser, arn, Global, payload, "iam", users.Endpoint, users.RequestId, at,
                AwsOperations.IamListUsers, AwsOperations.IamListAttachedUserPolicies, AwsOperations.IamListUserPolicies, AwsOperations.IamGetUserPolicy));
        }, cancellationToken);

    /// <summary>
    /// A principal's inline policies: their names (List*Policies) and each document (Get*Policy, URL-decoded), as
    /// <c>{"PolicyNames": [...], "Policies": [{"PolicyName", "PolicyDocument"}]}</c>. A document that cannot be read
    /// leaves the whole section in error: an unread inline policy could be the one that grants everything.
    /// </summary>
    private async Task<JsonObject> InlinePoliciesAsync(AwsCallContext context, AwsOperation list, AwsOperation get, string ownerKey, string owner, Action<DateTimeOffset> answered, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        return await SectionAsync(async () =>
        {
            var parameters = new Dictionary<string, string> { [ownerKey] = owner };
            var names = await api.QueryListAsync(context, list, parameters, "PolicyNames", cancellationToken).ConfigureAwait(false);
            answered(names.Last.AnsweredAt);
            var policies = new JsonArray();
            foreach (var name in names.Items.Select(n => n?.GetValue<string>()).Where(n => n is not null))
            {
                var document = await api.QueryAsync(context, get, new Dictionary<string, string> { [ownerKey] = owner, ["PolicyName"] = name! }, cancellationToken).ConfigureAwait(false);
                answered(document.AnsweredAt);
                policies.Add(new JsonObject { ["PolicyName"] = name, ["PolicyDocument"] = PolicyDocument(get, document.Body["PolicyDocument"]?.GetValue<string>(), document.RequestId) });
            }

            return new JsonObject { ["PolicyNames"] = new JsonArray(names.Items.ToArray()), ["Policies"] = policies };
        }).ConfigureAwait(false);
    }

    private async Task<JsonObject> AttachedPoliciesAsync(AwsCallContext context, AwsOperation list, string ownerKey, string owner, Action<DateTimeOffset> answered, CancellationToken cancellationToken) =>
        await SectionAsync(async () =>
        {
            var attached = await Clients.Api.QueryListAsync(context, list, new Dictionary<string, string> { [ownerKey] = owner }, "AttachedPolicies", cancellationToken).ConfigureAwait(false);
            answered(attached.Last.AnsweredAt);
            return new JsonObject { ["AttachedPolicies"] = new JsonArray(attached.Items.ToArray()) };
        }).ConfigureAwait(false);

    /// <summary>Groups with their members (GetGroup), attached and inline policies: one <c>aws.iam.group</c> record each.</summary>
    private async Task GroupsAsync(AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        try
        {
            await api.QueryPagesAsync(context, AwsOperations.IamListGroups, null, "Groups", (items, page) => ForEachAsync(items.OfType<JsonObject>(), result, async (group, part, token) =>
            {
                var name = group["GroupName"]?.GetValue<string>();
                var arn = group["Arn"]?.GetValue<string>();
                if (name is null || arn is null)
                {
                    part.Errors.Add(new CollectionError([AwsKinds.IamGroup], Global, null, AwsApiException.MalformedResponse, "ListGroups returned a group without a GroupName or Arn", AwsOperations.IamListGroups.Name));
                    return;
                }

                var at = page.AnsweredAt;
                void Answered(DateTimeOffset t) => at = t;
                var payload = new JsonObject { ["Group"] = group.DeepClone() };
                payload["Members"] = await SectionAsync(async () =>
                {
                    var members = await api.QueryListAsync(context, AwsOperations.IamGetGroup, new Dictionary<string, string> { ["GroupName"] = name }, "Users", token).ConfigureAwait(false);
                    Answered(members.Last.AnsweredAt);
                    return new JsonObject { ["Users"] = new JsonArray(members.Items.ToArray()) };
                }).ConfigureAwait(false);
                payload["AttachedPolicies"] = await AttachedPoliciesAsync(context, AwsOperations.IamListAttachedGroupPolicies, "GroupName", name, Answered, token).ConfigureAwait(false);
                payload["InlinePolicies"] = await InlinePoliciesAsync(context, AwsOperations.IamListGroupPolicies, AwsOperations.IamGetGroupPolicy, "GroupName", name, Answered, token).ConfigureAwait(false);
                part.Records.Add(Record(AwsKinds.IamGroup, arn, Global, payload, "iam", page.Endpoint, page.RequestId, at,
                    AwsOperations.IamListGroups, AwsOperations.IamGetGroup, AwsOperations.IamListAttachedGroupPolicies, AwsOperations.IamListGroupPolicies, AwsOperations.IamGetGroupPolicy));
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.IamGroup));
        }
    }

    /// <summary>Roles with their trust policy (URL-decoded), attached and inline policies: one <c>aws.iam.role</c> record each.</summary>
    private async Task RolesAsync(AwsCallContext context, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        try
        {
            await api.QueryPagesAsync(context, AwsOperations.IamListRoles, null, "Roles", (items, page) => ForEachAsync(items.OfType<JsonObject>(), result, async (role, part, token) =>
            {
                var name = role["RoleName"]?.GetValue<string>();
                var arn = role["Arn"]?.GetValue<string>();
                if (name is null || arn is null)
                {
                    part.Errors.Add(new CollectionError([AwsKinds.IamRole], Global, null, AwsApiException.MalformedResponse, "ListRoles returned a role without a RoleName or Arn", AwsOperations.IamListRoles.Name));
                    return;
                }

                var copy = (JsonObject)role.DeepClone();
                if (role["AssumeRolePolicyDocument"]?.GetValue<string>() is { } trust)
                {
                    try
                    {
                        copy["AssumeRolePolicyDocument"] = PolicyDocument(AwsOperations.IamListRoles, trust, page.RequestId);
                    }
                    catch (AwsApiException e)
                    {
                        copy["AssumeRolePolicyDocument"] = AwsJson.SectionError(e);
                    }
                }

                var at = page.AnsweredAt;
                void Answered(DateTimeOffset t) => at = t;
                var payload = new JsonObject { ["Role"] = copy };
                payload["AttachedPolicies"] = await AttachedPoliciesAsync(context, AwsOperations.IamListAttachedRolePolicies, "RoleName", name, Answered, token).ConfigureAwait(false);
                payload["InlinePolicies"] = await InlinePoliciesAsync(context, AwsOperations.IamListRolePolicies, AwsOperations.IamGetRolePolicy, "RoleName", name, Answered, token).ConfigureAwait(false);
                part.Records.Add(Record(AwsKinds.IamRole, arn, Global, payload, "iam", page.Endpoint, page.RequestId, at,
                    AwsOperations.IamListRoles, AwsOperations.IamListAttachedRolePolicies, AwsOperations.IamListRolePolicies, AwsOperations.IamGetRolePolicy));
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, Global, null, AwsKinds.IamRole));
        }
    }

}

/// <summary>
/// The credential report's CSV (RFC 4180, read by <see cref="Formats.Csv"/>) as rows keyed by its header, values
/// kept as text. Rows are read one at a time: a report of thousands of users is never held as objects at once.
/// </summary>
internal static class CredentialReportCsv
{
    /// <summary>
    /// The rows after the header; a text that is not CSV at all, or a header naming a column twice, throws
    /// <see cref="Formats.CsvFormatException"/> when reached.
    /// </summary>
    public static IEnumerable<CredentialReportRow> Read(TextReader reader)
    {
        Dictionary<string, int>? columns = null;
        var width = 0;
        foreach (var cells in Records(reader))
        {
            if (columns is null)
            {
                columns = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < cells.Length; i++)
                {
                    columns.Add(cells[i], i);
                }

                width = cells.Length;
                continue;
            }

            yield return new CredentialReportRow(columns, width, cells);
        }
    }

    /// <summary>The rows of <paramref name="csv"/> (see <see cref="Read(TextReader)"/>).</summary>
    public static IEnumerable<CredentialReportRow> Read(string csv) => Read(new StringReader(csv));

    /// <summary>
    /// Why <paramref name="csv"/> cannot be read as a credential report: a record that is not CSV, or a header
    /// that names a column twice (which copy a row's cell belongs to would be a guess); null when it can.
    /// </summary>
    public static string? Problem(string csv)
    {
        try
        {
            foreach (var _ in Records(new StringReader(csv)))
            {
            }

            return null;
        }
        catch (Formats.CsvFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The report as evidence: every cell passed through <see cref="Redactor.RedactValue"/> on its own and written
    /// back quoted, one record per line. The redactor's value patterns are made for one value: run over the whole
    /// text, a user named <c>Secret=ops</c> would have taken the rest of its row with it. The runner redacts
    /// every payload again, here the whole text: cells already redacted stay as they are, and the quotes keep a
    /// pattern that begins in one cell out of the next (a user named <c>Secret=</c> is clean on its own, but its
    /// value would run on over the commas). The content is AWS's; the quoting is ours. Throws
    /// <see cref="Formats.CsvFormatException"/> where <see cref="Problem"/> would name one.
    /// </summary>
    public static string Redacted(TextReader reader)
    {
        var text = new StringBuilder();
        foreach (var cells in Records(reader))
        {
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = Redactor.RedactValue(cells[i]) ?? cells[i];
                text.Append(i == 0 ? "\"" : ",\"").Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The records, header first; a header naming a column twice throws like a record that is not CSV.</summary>
    private static IEnumerable<string[]> Records(TextReader reader)
    {
        var header = true;
        foreach (var (line, cells) in Formats.Csv.Read(reader))
        {
            if (header && cells.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new Formats.CsvFormatException(line, $"the column '{twice.Key}' is named more than once");
            }

            header = false;
            yield return cells;
        }
    }
}

/// <summary>One row of the credential report: its cells by column name.</summary>
internal sealed class CredentialReportRow(IReadOnlyDictionary<string, int> columns, int width, string[] cells)
{
    /// <summary>The cell of <paramref name="column"/>, or null when the report has no such column or the row is short of it.</summary>
    public string? Str(string column) => columns.TryGetValue(column, out var i) && i < cells.Length ? cells[i] : null;

    /// <summary>A yes/no cell (<c>true</c> / <c>false</c>), or null for anything else.</summary>
    public bool? Bool(string column) => bool.TryParse(Str(column), out var b) ? b : null;

    /// <summary>
    /// Why the row does not line up with the header (the checks report it as an error rather than read shifted
    /// columns), or null.
    /// </summary>
    public string? Malformed => cells.Length == width ? null : $"expected {width} cells, found {cells.Length}";
}
