using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>One public key of the store's chain. The root (sequence 1) has no record; every later key
/// entered through a rotation record signed by the key before it.</summary>
public sealed record ChainKey(long Sequence, string KeyId, byte[] PublicKey, long EffectiveFrom, string? Record, byte[]? Signature);

/// <summary>
/// Every public key ever used to sign manifests, kept so rotation never breaks old runs. A new key is
/// admitted only through a rotation record signed by the previous key: whoever can write the data folder
/// cannot swap in a key of their own without breaking the chain (and the root key id is published out of band).
/// </summary>
public static class KeyChain
{
    internal static void Admit(SqliteConnection db, SqliteTransaction tx, ISigner signer, ISigner? previousSigner, long nextRunSequence, DateTimeOffset now)
    {
        var keys = Load(db, tx);
        if (keys.Count == 0)
        {
            RunWriter.Exec(db, tx, "INSERT INTO keys(seq, key_id, public_key, effective_from) VALUES(1, $id, $pk, $from)",
                ("$id", signer.KeyId), ("$pk", Convert.ToBase64String(signer.PublicKey)), ("$from", nextRunSequence));
            return;
        }

        var head = keys[^1];
        if (head.KeyId == signer.KeyId)
        {
            return;
        }

        if (keys.Any(k => k.KeyId == signer.KeyId))
        {
            throw new SigningException($"Signing:KeyPath: key {signer.KeyId} was retired from this store's chain; the current key is {head.KeyId}");
        }

        if (previousSigner is null || previousSigner.KeyId != head.KeyId)
        {
            throw new SigningException(
                $"Signing:KeyPath: key {signer.KeyId} is not in this store's key chain (current key {head.KeyId}); to rotate, set Signing:PreviousKeyPath to the current key so it can sign the rotation record");
        }

        var record = RotationRecord(head.Sequence + 1, head.KeyId, signer.KeyId, signer.PublicKey, nextRunSequence, now);
        var signature = previousSigner.Sign(record);
        RunWriter.Exec(db, tx, "INSERT INTO keys(seq, key_id, public_key, effective_from, record, signature) VALUES($seq, $id, $pk, $from, $rec, $sig)",
            ("$seq", head.Sequence + 1), ("$id", signer.KeyId), ("$pk", Convert.ToBase64String(signer.PublicKey)), ("$from", nextRunSequence),
            ("$rec", System.Text.Encoding.UTF8.GetString(record)), ("$sig", Convert.ToBase64String(signature)));
    }

    internal static byte[] RotationRecord(long sequence, string previousKeyId, string keyId, byte[] publicKey, long effectiveFrom, DateTimeOffset at) =>
        Jcs.Canonicalize(new JsonObject
        {
            ["type"] = "key-rotation",
            ["sequence"] = sequence,
            ["previousKeyId"] = previousKeyId,
            ["keyId"] = keyId,
            ["publicKey"] = Convert.ToBase64String(publicKey),
            ["effectiveFrom"] = effectiveFrom,
            ["at"] = at.ToWire(),
        });

    internal static List<ChainKey> Load(SqliteConnection db, SqliteTransaction? tx)
    {
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT seq, key_id, public_key, effective_from, record, signature FROM keys ORDER BY seq";
        using var reader = command.ExecuteReader();
        var list = new List<ChainKey>();
        while (reader.Read())
        {
            list.Add(new ChainKey(
                reader.GetInt64(0),
                reader.GetString(1),
                Convert.FromBase64String(reader.GetString(2)),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : Convert.FromBase64String(reader.GetString(5))));
        }

        return list;
    }
}
