using Microsoft.Extensions.Logging;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>
/// The sealing stage: resolves the store's signer (and the one before it, when the key rotated) and seals the run
/// with its control results. A run that cannot be signed is not sealed (<see cref="SigningException"/>).
/// </summary>
public sealed class Sealing(ISignerSource signers, ILogger logger)
{
    public SealResult Seal(IEvidenceWriter store, IRunWriter writer, IReadOnlyList<ControlResult> controls)
    {
        var (signer, previous) = signers.Resolve(store);
        var seal = writer.Seal(controls, signer, previous);
        Log.RunSealed(logger, writer.RunId, seal.Sequence, seal.Findings, seal.Evidence, seal.ManifestHash);
        return seal;
    }
}
