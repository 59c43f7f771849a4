using System.Text.Json.Nodes;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>KMS (JSON 1.1, TrentService): ListKeys, DescribeKey, GetKeyRotationStatus, ListAliases.</summary>
internal sealed class KmsService : EstateService
{
    public override string Name => "kms";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override string TargetPrefix => "TrentService";

    protected override AwsError InvalidToken(string token) => new("InvalidMarkerException", "Invalid marker");

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "ListKeys" => ListKeys(r),
        "DescribeKey" => DescribeKey(r),
        "GetKeyRotationStatus" => GetKeyRotationStatus(r),
        "ListAliases" => ListAliases(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private static string Arn(AwsRequest r, EstateKmsKey k) => $"arn:aws:kms:{r.Region}:{r.Account.Id}:key/{k.Id}";

    private AwsResponse ListKeys(AwsRequest r)
    {
        var (page, next) = Page(r, r.Account.Region(r.Region).KmsKeys, r.JsonString("Marker"), r.JsonInt("Limit"));
        return Json(r, Obj(
            ("Keys", Arr(page.Select(k => Obj(("KeyId", k.Id), ("KeyArn", Arn(r, k)))))),
            ("NextMarker", next),
            ("Truncated", next is not null)));
    }

    private static EstateKmsKey FindKey(AwsRequest r)
    {
        var id = r.JsonString("KeyId") ?? throw new AwsError("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
        var keys = r.Account.Region(r.Region).KmsKeys;
        var alias = id.StartsWith("alias/", StringComparison.Ordinal) ? id : id.Contains(":alias/", StringComparison.Ordinal) ? id[(id.IndexOf(":alias/", StringComparison.Ordinal) + 1)..] : null;
        var keyId = alias is null ? id[(id.LastIndexOf('/') + 1)..] : null;
        return keys.Find(k => alias is not null ? k.Aliases.Contains(alias) : k.Id == keyId)
            ?? throw new AwsError("NotFoundException", alias is not null ? $"Alias {id} is not found." : $"Key '{Arn(r, new EstateKmsKey { Id = keyId! })}' does not exist");
    }

    private AwsResponse DescribeKey(AwsRequest r)
    {
        var k = FindKey(r);
        var symmetric = k.KeySpec == "SYMMETRIC_DEFAULT";
        return Json(r, Obj(("KeyMetadata", Obj(
            ("AWSAccountId", r.Account.Id),
            ("KeyId", k.Id),
            ("Arn", Arn(r, k)),
            ("CreationDate", Epoch(k.CreationDate)),
            ("Enabled", k.KeyState == "Enabled"),
            ("Description", k.Description ?? ""),
            ("KeyUsage", k.KeyUsage),
            ("KeyState", k.KeyState),
            ("DeletionDate", k.DeletionDate is { } d ? Epoch(d) : null),
            ("Origin", "AWS_KMS"),
            ("KeyManager", k.KeyManager),
            ("CustomerMasterKeySpec", k.KeySpec),
            ("KeySpec", k.KeySpec),
            ("EncryptionAlgorithms", symmetric ? Arr([JsonValue.Create("SYMMETRIC_DEFAULT")]) : k.KeyUsage == "ENCRYPT_DECRYPT" ? Arr([JsonValue.Create("RSAES_OAEP_SHA_256")]) : null),
            ("SigningAlgorithms", k.KeyUsage == "SIGN_VERIFY" ? Arr([JsonValue.Create("RSASSA_PKCS1_V1_5_SHA_256"), JsonValue.Create("RSASSA_PSS_SHA_256")]) : null),
            ("MultiRegion", false),
            ("PendingDeletionWindowInDays", k.KeyState == "PendingDeletion" ? 30 : null)))));
    }

    private AwsResponse GetKeyRotationStatus(AwsRequest r)
    {
        var k = FindKey(r);
        if (k.KeyState == "PendingDeletion")
        {
            throw new AwsError("KMSInvalidStateException", $"{Arn(r, k)} is pending deletion.");
        }
        if (k.KeySpec != "SYMMETRIC_DEFAULT")
        {
            throw new AwsError("UnsupportedOperationException", $"{Arn(r, k)} key usage and key spec do not support automatic key rotation.");
        }
        var enabled = k.RotationEnabled || k.KeyManager == "AWS";
        return Json(r, Obj(
            ("KeyRotationEnabled", enabled),
            ("KeyId", Arn(r, k)),
            ("RotationPeriodInDays", enabled ? k.RotationPeriodInDays ?? 365 : null),
            ("NextRotationDate", enabled ? Epoch(NextRotation(k, r.Now)) : null)));
    }

    private static DateTimeOffset NextRotation(EstateKmsKey k, DateTimeOffset now)
    {
        var period = TimeSpan.FromDays(k.RotationPeriodInDays ?? 365);
        var next = k.CreationDate + period;
        while (next <= now)
        {
            next += period;
        }
        return next;
    }

    private AwsResponse ListAliases(AwsRequest r)
    {
        var keys = r.Account.Region(r.Region).KmsKeys;
        var filter = r.JsonString("KeyId") is not null ? FindKey(r) : null;
        var all = keys.Where(k => filter is null || k == filter)
            .SelectMany(k => k.Aliases.Select(a => (Alias: a, Key: k)))
            .OrderBy(x => x.Alias, StringComparer.Ordinal).ToList();
        var (page, next) = Page(r, all, r.JsonString("Marker"), r.JsonInt("Limit"));
        return Json(r, Obj(
            ("Aliases", Arr(page.Select(x => Obj(
                ("AliasName", x.Alias),
                ("AliasArn", $"arn:aws:kms:{r.Region}:{r.Account.Id}:{x.Alias}"),
                ("TargetKeyId", x.Key.Id),
                ("CreationDate", Epoch(x.Key.CreationDate)),
                ("LastUpdatedDate", Epoch(x.Key.CreationDate)))))),
            ("NextMarker", next),
            ("Truncated", next is not null)));
    }
}
