using System.Security.Cryptography;
using System.Text;

namespace EvidenceCollector.Bundles;

/// <summary>The names and constants of the bundle format (docs/bundle-format.md specifies each file).</summary>
public static class BundleFormat
{
    public const string Format = "evidencecollector.bundle/1";
    public const string Manifest = "manifest.json";
    public const string ManifestSignature = "manifest.sig";
    public const string Sums = "SHA256SUMS";
    public const string SumsSignature = "SHA256SUMS.sig";
    public const string KeyChain = "keys/chain.json";

    public static string KeyFile(string keyId) => $"keys/{keyId}.pem";

    public static string RunManifest(string runId) => $"runs/{runId}/manifest.json";

    public static string RunSignature(string runId) => $"runs/{runId}/manifest.sig";

    public static string Evidence(string hash) => $"evidence/{hash}.json";

    public static string Envelopes(string runId) => $"envelopes/{runId}.jsonl";

    public static string Findings(string runId) => $"findings/{runId}.jsonl";

    public static string FindingsCsv(string runId) => $"findings/{runId}.csv";

    public static string ControlFile(string controlId) => $"controls/{controlId}.json";

    public const string Soa = "soa.csv";
    public const string Report = "report.html";
    public const string Oscal = "oscal/assessment-results.json";

    /// <summary>A public key (SubjectPublicKeyInfo DER) as PEM, as <c>openssl pkey -pubin</c> reads it.</summary>
    public static string Pem(byte[] spki)
    {
        var b64 = Convert.ToBase64String(spki);
        var text = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
        for (var i = 0; i < b64.Length; i += 64)
        {
            text.Append(b64.AsSpan(i, Math.Min(64, b64.Length - i))).Append('\n');
        }

        return text.Append("-----END PUBLIC KEY-----\n").ToString();
    }

    /// <summary>The DER of a PEM public key (null when it is not one).</summary>
    public static byte[]? FromPem(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>Which runs to export, and which subset the report, control views, SoA and OSCAL show.</summary>
public sealed record ExportRequest
{
    /// <summary>Explicit run ids (any of <see cref="RunIds"/>, <see cref="Last"/>, or <see cref="From"/>/<see cref="To"/>).</summary>
    public IReadOnlyList<string> RunIds { get; init; } = [];

    public int? Last { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public IReadOnlyList<string> Controls { get; init; } = [];

    public IReadOnlyList<string> Providers { get; init; } = [];

    public IReadOnlyList<string> Accounts { get; init; } = [];

    /// <summary>Controls declared not applicable (Statement of Applicability), each with its justification.</summary>
    public IReadOnlyList<Exclusion> Exclusions { get; init; } = [];
}

/// <summary>A control excluded from the Statement of Applicability, and why.</summary>
public sealed record Exclusion(string Control, string Justification);

/// <summary>A bundle does not hold what it says, or cannot be read: the message names the file.</summary>
public sealed class BundleProblem(string message) : Exception(message);
