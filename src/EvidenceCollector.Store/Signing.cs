using System.Security.Cryptography;
using EvidenceCollector.Canonical;

namespace EvidenceCollector.Store;

/// <summary>Signs manifests. Behind an interface so a cloud KMS / Key Vault signer can replace the local key.</summary>
public interface ISigner
{
    /// <summary>SHA-256 (lowercase hex) of the public key's SubjectPublicKeyInfo DER.</summary>
    string KeyId { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER.</summary>
    byte[] PublicKey { get; }

    /// <summary>ECDSA P-256 / SHA-256 signature, DER-encoded (RFC 3279), as OpenSSL writes and reads it.</summary>
    byte[] Sign(byte[] data);

    /// <summary>The same signature over data given by its SHA-256 digest (for manifests streamed, never held whole).</summary>
    byte[] SignDigest(byte[] sha256);
}

public sealed class SigningOptions
{
    /// <summary>PEM file with an EC P-256 private key; empty: a key generated on first use in the data folder.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The key in use before a rotation; only read to sign the rotation record that admits the new key.</summary>
    public string? PreviousKeyPath { get; set; }
}

/// <summary>An ECDSA P-256 key from a PEM file.</summary>
public sealed class PemSigner : ISigner, IDisposable
{
    private readonly ECDsa _key;

    private PemSigner(ECDsa key)
    {
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        KeyId = KeyIds.Of(PublicKey);
    }

    public string KeyId { get; }

    public byte[] PublicKey { get; }

    public static PemSigner Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SigningException($"Signing:KeyPath: key file {path} not found");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new SigningException($"Signing:KeyPath: {path} is not a PEM EC private key ({e.Message})");
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new SigningException($"Signing:KeyPath: {path} holds a {key.KeySize}-bit key; ECDSA P-256 is required");
        }

        return new PemSigner(key);
    }

    /// <summary>Generates a P-256 key into <paramref name="path"/> (mode 0600), durably.</summary>
    public static PemSigner Generate(string path)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        Durable.WriteNew(path, System.Text.Encoding.ASCII.GetBytes(pem), directory, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Durable.SyncDirectory(directory);
        return new PemSigner(key);
    }

    public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public byte[] SignDigest(byte[] sha256) => _key.SignHash(sha256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose() => _key.Dispose();
}

public static class KeyIds
{
    public static string Of(byte[] subjectPublicKeyInfo) => Jcs.Sha256Hex(subjectPublicKeyInfo);

    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] data, byte[] signature)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
