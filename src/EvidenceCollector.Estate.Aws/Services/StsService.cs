using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>STS (Query, 2011-06-15): GetCallerIdentity, AssumeRole.</summary>
internal sealed class StsService(EstateState state) : EstateService
{
    private static readonly XNamespace Ns = "https://sts.amazonaws.com/doc/2011-06-15/";

    public override string Name => "sts";
    public override WireProtocol Protocol => WireProtocol.Query;
    public override XNamespace Namespace => Ns;
    protected override string Version => "2011-06-15";

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "GetCallerIdentity" => Query(r, Ns,
            E(Ns, "Arn", r.Caller.Arn), E(Ns, "UserId", r.Caller.UserId), E(Ns, "Account", r.Caller.AccountId)),
        "AssumeRole" => AssumeRole(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private AwsResponse AssumeRole(AwsRequest r)
    {
        var roleArn = r.Param("RoleArn") ?? throw new AwsError("ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
        var sessionName = r.Param("RoleSessionName") ?? throw new AwsError("ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
        var duration = r.IntParam("DurationSeconds") ?? 3600;
        if (duration is < 900 or > 43200)
        {
            throw new AwsError("ValidationError", $"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
        }
        var denied = new AwsError("AccessDenied", $"User: {r.Caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", 403);
        var parts = roleArn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "iam" || !parts[5].StartsWith("role/", StringComparison.Ordinal))
        {
            throw new AwsError("ValidationError", $"{roleArn} is invalid");
        }
        var account = state.Estate.FindAccount(parts[4]) ?? throw denied;
        var roleName = parts[5][(parts[5].LastIndexOf('/') + 1)..];
        var role = account.Roles.Find(x => x.Name == roleName) ?? throw denied;
        if (role.ExternalId is not null && role.ExternalId != r.Param("ExternalId"))
        {
            throw denied;
        }
        var roleId = "AROA" + Stable(account.Id + role.Name, 17);
        var session = state.IssueSession(account.Id, $"arn:aws:sts::{account.Id}:assumed-role/{role.Name}/{sessionName}",
            $"{roleId}:{sessionName}", r.Now.AddSeconds(duration));
        return Query(r, Ns,
            E(Ns, "Credentials",
                E(Ns, "AccessKeyId", session.AccessKeyId),
                E(Ns, "SecretAccessKey", session.SecretAccessKey),
                E(Ns, "SessionToken", session.SessionToken),
                E(Ns, "Expiration", Iso(session.Expiration!.Value))),
            E(Ns, "AssumedRoleUser", E(Ns, "AssumedRoleId", session.UserId), E(Ns, "Arn", session.Arn)));
    }

    /// <summary>A deterministic id suffix (upper-case letters and digits).</summary>
    internal static string Stable(string seed, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return string.Create(length, hash, (span, h) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[h[i % h.Length] % alphabet.Length];
            }
        });
    }
}
