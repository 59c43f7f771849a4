namespace EvidenceCollector.Store;

/// <summary>
/// Resolves the signer: the configured PEM (<c>Signing:KeyPath</c>) or a key generated on first use in
/// the data folder (<c>keys/signing-key.pem</c>, mode 0600); and the previous key for a rotation.
/// </summary>
public static class SignerFactory
{
    public const string GeneratedKeyFile = "signing-key.pem";

    public static (ISigner Signer, ISigner? Previous) Resolve(EvidenceStore store, SigningOptions options)
    {
        var generatedPath = Path.Combine(store.KeysPath, GeneratedKeyFile);
        ISigner signer;
        if (!string.IsNullOrWhiteSpace(options.KeyPath))
        {
            signer = PemSigner.Load(options.KeyPath);
        }
        else
        {
            signer = File.Exists(generatedPath) ? PemSigner.Load(generatedPath) : PemSigner.Generate(generatedPath);
        }

        ISigner? previous = null;
        if (!string.IsNullOrWhiteSpace(options.PreviousKeyPath))
        {
            previous = PemSigner.Load(options.PreviousKeyPath);
        }
        else if (!string.IsNullOrWhiteSpace(options.KeyPath) && File.Exists(generatedPath))
        {
            // Moving from the generated key to a configured one: the generated key signs the rotation.
            previous = PemSigner.Load(generatedPath);
        }

        return (signer, previous);
    }
}

/// <summary>Where the pipeline gets its signer for a store: the local key today, a cloud KMS / Key Vault later.</summary>
public interface ISignerSource
{
    (ISigner Signer, ISigner? Previous) Resolve(IEvidenceWriter store);
}

/// <summary>The local PEM key (configured or generated in the data folder).</summary>
public sealed class LocalKeySignerSource(SigningOptions options) : ISignerSource
{
    /// <summary>The local key lives in the embedded store's data folder (or where <c>Signing:KeyPath</c> says).</summary>
    public (ISigner Signer, ISigner? Previous) Resolve(IEvidenceWriter store) =>
        SignerFactory.Resolve(store as EvidenceStore ?? throw new NotSupportedException($"the local key signer keeps its key in an embedded store's folder; {store.Location} is not one"), options);
}
