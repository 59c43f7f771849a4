using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>IAM (Query, 2010-05-08, global).</summary>
internal sealed class IamService(EstateState state) : EstateService
{
    private static readonly XNamespace Ns = "https://iam.amazonaws.com/doc/2010-05-08/";

    internal const string CredentialReportHeader =
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,"
        + "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
        + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,"
        + "cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    public override string Name => "iam";
    public override WireProtocol Protocol => WireProtocol.Query;
    public override XNamespace Namespace => Ns;
    public override bool Global => true;
    protected override string Version => "2010-05-08";

    protected override AwsError InvalidToken(string token) => new("InvalidInput", $"Invalid Marker: {token}");

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "GenerateCredentialReport" => GenerateCredentialReport(r),
        "GetCredentialReport" => GetCredentialReport(r),
        "GetAccountPasswordPolicy" => GetAccountPasswordPolicy(r),
        "GetAccountSummary" => GetAccountSummary(r),
        "ListPolicies" => ListPolicies(r),
        "GetPolicy" => GetPolicy(r),
        "GetPolicyVersion" => GetPolicyVersion(r),
        "ListUsers" => ListUsers(r),
        "ListAttachedUserPolicies" => ListAttachedUserPolicies(r),
        "ListUserPolicies" => ListUserPolicies(r),
        "GetUserPolicy" => GetUserPolicy(r),
        "ListGroups" => ListGroups(r),
        "GetGroup" => GetGroup(r),
        "ListAttachedGroupPolicies" => Attached(r, FindGroup(r).AttachedPolicies),
        "ListGroupPolicies" => InlineNames(r, FindGroup(r).InlinePolicies),
        "GetGroupPolicy" => InlineDocument(r, "GroupName", FindGroup(r).Name, FindGroup(r).InlinePolicies, "group"),
        "ListRoles" => ListRoles(r),
        "ListAttachedRolePolicies" => Attached(r, FindRole(r).AttachedPolicies),
        "ListRolePolicies" => InlineNames(r, FindRole(r).InlinePolicies),
        "GetRolePolicy" => InlineDocument(r, "RoleName", FindRole(r).Name, FindRole(r).InlinePolicies, "role"),
        "ListVirtualMFADevices" => ListVirtualMfaDevices(r),
        "ListMFADevices" => ListMfaDevices(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private AwsResponse GenerateCredentialReport(AwsRequest r)
    {
        var complete = state.StartCredentialReport(r.Account.Id, r.Now);
        return Query(r, Ns,
            E(Ns, "State", complete ? "COMPLETE" : "STARTED"),
            complete ? null : E(Ns, "Description", "No report exists. Starting a new report generation task"));
    }

    private AwsResponse GetCredentialReport(AwsRequest r)
    {
        var started = state.CredentialReportStarted(r.Account.Id)
            ?? throw new AwsError("ReportNotPresent", "Credential report not present. Use GenerateCredentialReport to generate a report.", 410);
        if (r.Now - started < r.Switches.CredentialReportDelay)
        {
            throw new AwsError("ReportInProgress", "Credential report is being generated.", 404);
        }
        var csv = CredentialReport(r.Account, r.Now);
        return Query(r, Ns,
            E(Ns, "Content", Convert.ToBase64String(Encoding.UTF8.GetBytes(csv))),
            E(Ns, "ReportFormat", "text/csv"),
            E(Ns, "GeneratedTime", Iso(started)));
    }

    internal static string CredentialReport(EstateAccount account, DateTimeOffset now)
    {
        static string T(DateTimeOffset? t, string none = "N/A") =>
            t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture) : none;
        static string B(bool b) => b ? "true" : "false";
        static IEnumerable<string> Keys(List<EstateAccessKey> keys)
        {
            for (var i = 0; i < 2; i++)
            {
                var k = i < keys.Count ? keys[i] : null;
                yield return B(k?.Active == true);
                yield return k is null ? "N/A" : T(k.Created);
                yield return T(k?.LastUsed);
                yield return k?.LastUsed is null ? "N/A" : k.LastUsedRegion ?? "N/A";
                yield return k?.LastUsed is null ? "N/A" : k.LastUsedService ?? "N/A";
            }
        }
        var iam = account.Iam;
        var sb = new StringBuilder(CredentialReportHeader).Append('\n');
        var root = iam.Root;
        sb.AppendJoin(',', [
            "<root_account>", $"arn:aws:iam::{account.Id}:root", T(account.CreatedDate), "not_supported",
            T(root.PasswordLastUsed, "no_information"), "not_supported", "not_supported", B(root.Mfa is not null),
            .. Keys(root.AccessKeys), "false", "N/A", "false", "N/A"]).Append('\n');
        foreach (var u in iam.Users)
        {
            var nextRotation = u.PasswordEnabled && iam.PasswordPolicy?.MaxPasswordAge is { } age && (u.PasswordLastChanged ?? u.CreateDate) is var changed
                ? T(changed.AddDays(age)) : "N/A";
            sb.AppendJoin(',', [
                u.Name, UserArn(account, u), T(u.CreateDate), B(u.PasswordEnabled),
                u.PasswordEnabled ? T(u.PasswordLastUsed, "no_information") : "N/A",
                u.PasswordEnabled ? T(u.PasswordLastChanged ?? u.CreateDate) : "N/A",
                nextRotation, B(u.MfaDevices.Count > 0),
                .. Keys(u.AccessKeys), "false", "N/A", "false", "N/A"]).Append('\n');
        }
        return sb.ToString();
    }

    private AwsResponse GetAccountPasswordPolicy(AwsRequest r)
    {
        var p = r.Account.Iam.PasswordPolicy
            ?? throw new AwsError("NoSuchEntity", $"The Password Policy with domain name {r.Account.Id} cannot be found.", 404);
        return Query(r, Ns, E(Ns, "PasswordPolicy",
            E(Ns, "MinimumPasswordLength", Int(p.MinimumPasswordLength)),
            E(Ns, "RequireSymbols", Bool(p.RequireSymbols)),
            E(Ns, "RequireNumbers", Bool(p.RequireNumbers)),
            E(Ns, "RequireUppercaseCharacters", Bool(p.RequireUppercaseCharacters)),
            E(Ns, "RequireLowercaseCharacters", Bool(p.RequireLowercaseCharacters)),
            E(Ns, "AllowUsersToChangePassword", Bool(p.AllowUsersToChangePassword)),
            E(Ns, "ExpirePasswords", Bool(p.MaxPasswordAge is not null)),
            p.MaxPasswordAge is { } age ? E(Ns, "MaxPasswordAge", Int(age)) : null,
            p.PasswordReusePrevention is { } reuse ? E(Ns, "PasswordReusePrevention", Int(reuse)) : null,
            E(Ns, "HardExpiry", Bool(p.HardExpiry))));
    }

    private AwsResponse GetAccountSummary(AwsRequest r)
    {
        var iam = r.Account.Iam;
        var virtualDevices = iam.Users.Sum(u => u.MfaDevices.Count(d => d.Type == "virtual")) + iam.UnassignedVirtualMfaDevices.Count
            + (iam.Root.Mfa == "virtual" ? 1 : 0);
        var inUse = iam.Users.Sum(u => u.MfaDevices.Count) + (iam.Root.Mfa is null ? 0 : 1);
        var summary = new (string, int)[]
        {
            ("Users", iam.Users.Count), ("UsersQuota", 5000), ("Groups", iam.Groups.Count), ("GroupsQuota", 300),
            ("ServerCertificates", 0), ("ServerCertificatesQuota", 20), ("UserPolicySizeQuota", 2048), ("GroupPolicySizeQuota", 5120),
            ("GroupsPerUserQuota", 10), ("SigningCertificatesPerUserQuota", 2), ("AccessKeysPerUserQuota", 2),
            ("MFADevices", virtualDevices), ("MFADevicesInUse", inUse),
            ("AccountMFAEnabled", iam.Root.Mfa is null ? 0 : 1),
            ("AccountAccessKeysPresent", iam.Root.AccessKeys.Count(k => k.Active) > 0 ? 1 : 0),
            ("AccountPasswordPresent", 1), ("AccountSigningCertificatesPresent", 0),
            ("AttachedPoliciesPerGroupQuota", 10), ("AttachedPoliciesPerRoleQuota", 10), ("AttachedPoliciesPerUserQuota", 10),
            ("Policies", iam.Policies.Count), ("PoliciesQuota", 1500), ("PolicySizeQuota", 6144),
            ("PolicyVersionsInUse", iam.Users.Sum(u => u.AttachedPolicies.Count)), ("PolicyVersionsInUseQuota", 10000),
            ("VersionsPerPolicyQuota", 5), ("GlobalEndpointTokenVersion", 1), ("AssumeRolePolicySizeQuota", 2048),
            ("InstanceProfiles", 0), ("InstanceProfilesQuota", 1000), ("Providers", 0), ("RolePolicySizeQuota", 10240),
            ("Roles", r.Account.Roles.Count), ("RolesQuota", 1000),
        };
        return Query(r, Ns, E(Ns, "SummaryMap", summary.Select(kv => E(Ns, "entry", E(Ns, "key", kv.Item1), E(Ns, "value", Int(kv.Item2))))));
    }

    private sealed record PolicyView(string Name, string Arn, string Path, string? Description, DateTimeOffset Created, JsonElement Document, bool AwsManaged);

    private static IEnumerable<PolicyView> Policies(EstateAccount account) =>
        AwsManagedPolicies.All.Select(p => new PolicyView(p.Name, p.Arn, p.Path, p.Description, p.Created, p.Document, true))
            .Concat(account.Iam.Policies.Select(p => new PolicyView(p.Name, $"arn:aws:iam::{account.Id}:policy{p.Path}{p.Name}", p.Path, p.Description, p.CreateDate, p.Document, false)));

    private static int Attachments(EstateAccount account, string arn) =>
        account.Iam.Users.Count(u => u.AttachedPolicies.Contains(arn)) + account.Iam.Groups.Count(g => g.AttachedPolicies.Contains(arn))
        + account.Roles.Count(x => x.AttachedPolicies.Contains(arn));

    private XElement PolicyElement(EstateAccount account, PolicyView p) => E(Ns, "member",
        E(Ns, "PolicyName", p.Name),
        E(Ns, "PolicyId", "ANPA" + StsService.Stable(p.Arn, 17)),
        E(Ns, "Arn", p.Arn),
        E(Ns, "Path", p.Path),
        E(Ns, "DefaultVersionId", "v1"),
        E(Ns, "AttachmentCount", Int(Attachments(account, p.Arn))),
        E(Ns, "PermissionsBoundaryUsageCount", "0"),
        E(Ns, "IsAttachable", "true"),
        E(Ns, "CreateDate", Iso(p.Created)),
        E(Ns, "UpdateDate", Iso(p.Created)));

    private AwsResponse ListPolicies(AwsRequest r)
    {
        var scope = r.Param("Scope") ?? "All";
        var onlyAttached = r.BoolParam("OnlyAttached");
        var prefix = r.Param("PathPrefix") ?? "/";
        var all = Policies(r.Account)
            .Where(p => scope == "All" || (scope == "AWS") == p.AwsManaged)
            .Where(p => !onlyAttached || Attachments(r.Account, p.Arn) > 0)
            .Where(p => p.Path.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "Policies", page.Select(p => PolicyElement(r.Account, p))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private PolicyView FindPolicy(AwsRequest r)
    {
        var arn = r.Param("PolicyArn") ?? throw new AwsError("ValidationError", "1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null");
        return Policies(r.Account).FirstOrDefault(p => p.Arn == arn)
            ?? throw new AwsError("NoSuchEntity", $"Policy {arn} does not exist or is not attachable.", 404);
    }

    private AwsResponse GetPolicy(AwsRequest r)
    {
        var p = FindPolicy(r);
        var e = PolicyElement(r.Account, p);
        e.Name = Ns + "Policy";
        e.Add(Opt(Ns, "Description", p.Description));
        return Query(r, Ns, e);
    }

    private AwsResponse GetPolicyVersion(AwsRequest r)
    {
        var p = FindPolicy(r);
        var version = r.Param("VersionId") ?? "v1";
        if (version != "v1")
        {
            throw new AwsError("NoSuchEntity", $"Policy {p.Arn} version {version} does not exist or is not attachable.", 404);
        }
        return Query(r, Ns, E(Ns, "PolicyVersion",
            E(Ns, "Document", Uri.EscapeDataString(p.Document.GetRawText())),
            E(Ns, "VersionId", "v1"),
            E(Ns, "IsDefaultVersion", "true"),
            E(Ns, "CreateDate", Iso(p.Created))));
    }

    internal static string UserArn(EstateAccount account, EstateUser u) => $"arn:aws:iam::{account.Id}:user{u.Path}{u.Name}";

    private static XElement UserElement(XName name, EstateAccount account, EstateUser u) => new(name,
        E(Ns, "Path", u.Path),
        E(Ns, "UserName", u.Name),
        E(Ns, "UserId", "AIDA" + StsService.Stable(account.Id + u.Name, 17)),
        E(Ns, "Arn", UserArn(account, u)),
        E(Ns, "CreateDate", Iso(u.CreateDate)),
        u.PasswordLastUsed is { } used ? E(Ns, "PasswordLastUsed", Iso(used)) : null);

    private AwsResponse ListUsers(AwsRequest r)
    {
        var prefix = r.Param("PathPrefix") ?? "/";
        var all = r.Account.Iam.Users.Where(u => u.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "Users", page.Select(u => UserElement(Ns + "member", r.Account, u))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private EstateUser FindUser(AwsRequest r)
    {
        var name = r.Param("UserName") ?? throw new AwsError("ValidationError", "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
        return r.Account.Iam.Users.Find(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new AwsError("NoSuchEntity", $"The user with name {name} cannot be found.", 404);
    }

    private AwsResponse ListAttachedUserPolicies(AwsRequest r)
    {
        var user = FindUser(r);
        var policies = Policies(r.Account).ToDictionary(p => p.Arn, StringComparer.Ordinal);
        var all = user.AttachedPolicies.Select(arn => (Arn: arn, Name: policies.TryGetValue(arn, out var p) ? p.Name : arn[(arn.LastIndexOf('/') + 1)..])).ToList();
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "AttachedPolicies", page.Select(p => E(Ns, "member", E(Ns, "PolicyName", p.Name), E(Ns, "PolicyArn", p.Arn)))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private AwsResponse ListUserPolicies(AwsRequest r)
    {
        var user = FindUser(r);
        var (page, next) = Page(r, user.InlinePolicies.Keys.Order(StringComparer.Ordinal).ToList(), r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "PolicyNames", page.Select(n => E(Ns, "member", n))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private AwsResponse GetUserPolicy(AwsRequest r)
    {
        var user = FindUser(r);
        var name = r.Param("PolicyName") ?? "";
        if (!user.InlinePolicies.TryGetValue(name, out var document))
        {
            throw new AwsError("NoSuchEntity", $"The user policy with name {name} cannot be found.", 404);
        }
        return Query(r, Ns, E(Ns, "UserName", user.Name), E(Ns, "PolicyName", name),
            E(Ns, "PolicyDocument", Uri.EscapeDataString(document.GetRawText())));
    }

    private static string GroupArn(EstateAccount account, EstateGroup g) => $"arn:aws:iam::{account.Id}:group{g.Path}{g.Name}";

    private static XElement GroupElement(XName name, EstateAccount account, EstateGroup g) => new(name,
        E(Ns, "Path", g.Path),
        E(Ns, "GroupName", g.Name),
        E(Ns, "GroupId", "AGPA" + StsService.Stable(account.Id + g.Name, 17)),
        E(Ns, "Arn", GroupArn(account, g)),
        E(Ns, "CreateDate", Iso(g.CreateDate)));

    private AwsResponse ListGroups(AwsRequest r)
    {
        var prefix = r.Param("PathPrefix") ?? "/";
        var all = r.Account.Iam.Groups.Where(g => g.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "Groups", page.Select(g => GroupElement(Ns + "member", r.Account, g))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private EstateGroup FindGroup(AwsRequest r)
    {
        var name = r.Param("GroupName") ?? throw new AwsError("ValidationError", "1 validation error detected: Value null at 'groupName' failed to satisfy constraint: Member must not be null");
        return r.Account.Iam.Groups.Find(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new AwsError("NoSuchEntity", $"The group with name {name} cannot be found.", 404);
    }

    /// <summary>GetGroup: the group and its members, paged by Marker / MaxItems like every IAM list.</summary>
    private AwsResponse GetGroup(AwsRequest r)
    {
        var group = FindGroup(r);
        var members = r.Account.Iam.Users.Where(u => group.Members.Contains(u.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var (page, next) = Page(r, members, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            GroupElement(Ns + "Group", r.Account, group),
            E(Ns, "Users", page.Select(u => UserElement(Ns + "member", r.Account, u))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private EstateRole FindRole(AwsRequest r)
    {
        var name = r.Param("RoleName") ?? throw new AwsError("ValidationError", "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null");
        return r.Account.Roles.Find(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new AwsError("NoSuchEntity", $"The role with name {name} cannot be found.", 404);
    }

    private static string TrustRoot(string account) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + account + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";

    private AwsResponse ListRoles(AwsRequest r)
    {
        var prefix = r.Param("PathPrefix") ?? "/";
        var all = r.Account.Roles.Where(x => x.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "Roles", page.Select(x => E(Ns, "member",
                E(Ns, "Path", x.Path),
                E(Ns, "RoleName", x.Name),
                E(Ns, "RoleId", "AROA" + StsService.Stable(r.Account.Id + x.Name, 17)),
                E(Ns, "Arn", $"arn:aws:iam::{r.Account.Id}:role{x.Path}{x.Name}"),
                E(Ns, "CreateDate", Iso(x.CreateDate)),
                E(Ns, "AssumeRolePolicyDocument", Uri.EscapeDataString(x.AssumeRolePolicyDocument?.GetRawText() ?? TrustRoot(r.Account.Id))),
                E(Ns, "MaxSessionDuration", "3600")))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private AwsResponse Attached(AwsRequest r, List<string> attached)
    {
        var policies = Policies(r.Account).ToDictionary(p => p.Arn, StringComparer.Ordinal);
        var all = attached.Select(arn => (Arn: arn, Name: policies.TryGetValue(arn, out var p) ? p.Name : arn[(arn.LastIndexOf('/') + 1)..])).ToList();
        var (page, next) = Page(r, all, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "AttachedPolicies", page.Select(p => E(Ns, "member", E(Ns, "PolicyName", p.Name), E(Ns, "PolicyArn", p.Arn)))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private AwsResponse InlineNames(AwsRequest r, Dictionary<string, JsonElement> inline)
    {
        var (page, next) = Page(r, inline.Keys.Order(StringComparer.Ordinal).ToList(), r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns,
            E(Ns, "PolicyNames", page.Select(n => E(Ns, "member", n))),
            E(Ns, "IsTruncated", Bool(next is not null)),
            Opt(Ns, "Marker", next));
    }

    private AwsResponse InlineDocument(AwsRequest r, string ownerKey, string owner, Dictionary<string, JsonElement> inline, string what)
    {
        var name = r.Param("PolicyName") ?? "";
        if (!inline.TryGetValue(name, out var document))
        {
            throw new AwsError("NoSuchEntity", $"The {what} policy with name {name} cannot be found.", 404);
        }
        return Query(r, Ns, E(Ns, ownerKey, owner), E(Ns, "PolicyName", name), E(Ns, "PolicyDocument", Uri.EscapeDataString(document.GetRawText())));
    }

    private static string RootMfaSerial(EstateAccount account) => account.Iam.Root.Mfa == "virtual"
        ? $"arn:aws:iam::{account.Id}:mfa/root-account-mfa-device"
        : "GAHT" + StsService.Stable(account.Id, 8);

    private static string Serial(EstateAccount account, EstateUser u, EstateMfaDevice d) =>
        d.SerialNumber ?? (d.Type == "virtual" ? $"arn:aws:iam::{account.Id}:mfa/{u.Name}" : "GAKT" + StsService.Stable(account.Id + u.Name, 8));

    private AwsResponse ListVirtualMfaDevices(AwsRequest r)
    {
        var account = r.Account;
        var status = r.Param("AssignmentStatus") ?? "Any";
        var items = new List<XElement>();
        if (status is "Any" or "Assigned")
        {
            if (account.Iam.Root.Mfa == "virtual")
            {
                items.Add(E(Ns, "member",
                    E(Ns, "SerialNumber", RootMfaSerial(account)),
                    E(Ns, "User",
                        E(Ns, "Path", "/"), E(Ns, "UserName", account.Name), E(Ns, "UserId", account.Id),
                        E(Ns, "Arn", $"arn:aws:iam::{account.Id}:root"), E(Ns, "CreateDate", Iso(account.CreatedDate)),
                        account.Iam.Root.PasswordLastUsed is { } used ? E(Ns, "PasswordLastUsed", Iso(used)) : null),
                    E(Ns, "EnableDate", Iso(account.Iam.Root.MfaEnableDate ?? account.CreatedDate))));
            }
            foreach (var u in account.Iam.Users)
            {
                foreach (var d in u.MfaDevices.Where(d => d.Type == "virtual"))
                {
                    items.Add(E(Ns, "member", E(Ns, "SerialNumber", Serial(account, u, d)), UserElement(Ns + "User", account, u), E(Ns, "EnableDate", Iso(d.EnableDate))));
                }
            }
        }
        if (status is "Any" or "Unassigned")
        {
            items.AddRange(account.Iam.UnassignedVirtualMfaDevices.Select(n => E(Ns, "member", E(Ns, "SerialNumber", $"arn:aws:iam::{account.Id}:mfa/{n}"))));
        }
        var (page, next) = Page(r, items, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns, E(Ns, "VirtualMFADevices", page), E(Ns, "IsTruncated", Bool(next is not null)), Opt(Ns, "Marker", next));
    }

    private AwsResponse ListMfaDevices(AwsRequest r)
    {
        var account = r.Account;
        List<XElement> items;
        if (r.Param("UserName") is null)
        {
            if (!r.Caller.IsRoot)
            {
                throw new AwsError("ValidationError", "Must specify userName when calling with non-User credentials");
            }
            items = account.Iam.Root.Mfa is null ? [] :
                [E(Ns, "member", E(Ns, "UserName", account.Name), E(Ns, "SerialNumber", RootMfaSerial(account)), E(Ns, "EnableDate", Iso(account.Iam.Root.MfaEnableDate ?? account.CreatedDate)))];
        }
        else
        {
            var u = FindUser(r);
            items = [.. u.MfaDevices.Select(d => E(Ns, "member", E(Ns, "UserName", u.Name), E(Ns, "SerialNumber", Serial(account, u, d)), E(Ns, "EnableDate", Iso(d.EnableDate))))];
        }
        var (page, next) = Page(r, items, r.Param("Marker"), r.IntParam("MaxItems"));
        return Query(r, Ns, E(Ns, "MFADevices", page), E(Ns, "IsTruncated", Bool(next is not null)), Opt(Ns, "Marker", next));
    }
}
