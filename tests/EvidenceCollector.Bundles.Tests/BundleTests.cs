using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EvidenceCollector.Canonical;
using EvidenceCollector.Store;

namespace EvidenceCollector.Bundles.Tests;

public sealed class BundleTests(BundleFixture fixture) : IClassFixture<BundleFixture>
{
    [Fact]
    public void Export_ThenVerify_HoldsEveryRunWhole_AndIsVerified()
    {
        var bundle = fixture.Export();

        var report = BundleVerifier.Verify(bundle, fixture.RootKeyId());

        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal([1L, 2, 3, 4], report.Runs.Select(r => r.Sequence));
        var entries = BundleFixture.Entries(bundle);
        Assert.Equal(93, entries.Keys.Count(k => k.StartsWith("controls/", StringComparison.Ordinal)));
        Assert.Equal(94, Encoding.UTF8.GetString(entries[BundleFormat.Soa]).TrimEnd('\n').Split('\n').Length);
        Assert.Contains(entries.Keys, k => k == BundleFormat.KeyFile(fixture.RootKeyId()));
        Assert.Contains("mappings/iso27001-2022/check-controls.csv", entries.Keys);
        foreach (var run in report.Runs)
        {
            // The JSONL lines are exactly the canonical bytes the run's manifest hashes.
            var manifest = JsonNode.Parse(entries[BundleFormat.RunManifest(run.Id)])!;
            var listed = manifest["findings"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal);
            var lines = Encoding.UTF8.GetString(entries[BundleFormat.Findings(run.Id)]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(listed, lines.Select(l => Jcs.Sha256Hex(Encoding.UTF8.GetBytes(l))).Order(StringComparer.Ordinal));
            Assert.Equal(run.ManifestHash, Jcs.Sha256Hex(entries[BundleFormat.RunManifest(run.Id)]));
        }

        var wrongKey = BundleVerifier.Verify(bundle, new string('0', 64));
        Assert.Contains(wrongKey.Problems, p => p.Contains("is not the trusted key", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_TwiceWithTheSameParameters_GivesTheSameEntriesInTheSameOrder_ExceptTheSignatures()
    {
        var first = fixture.Export(new ExportRequest { Last = 3 });
        var second = fixture.Export(new ExportRequest { Last = 3 });

        using var a = ZipFile.OpenRead(first);
        using var b = ZipFile.OpenRead(second);
        Assert.Equal(a.Entries.Select(e => e.FullName), b.Entries.Select(e => e.FullName));
        foreach (var (x, y) in a.Entries.Zip(b.Entries))
        {
            Assert.Equal(x.LastWriteTime, y.LastWriteTime);
            if (!x.FullName.EndsWith(".sig", StringComparison.Ordinal))
            {
                Assert.True(BundleFixture.Read(x).AsSpan().SequenceEqual(BundleFixture.Read(y)), $"{x.FullName} differs between two exports");
            }
        }

        var manifest = Encoding.UTF8.GetString(BundleFixture.Read(a.GetEntry(BundleFormat.Manifest)!));
        Assert.DoesNotContain("exportedAt", manifest, StringComparison.Ordinal);
    }

    public static TheoryData<string> Tampering() => new(["evidence byte", "report byte", "findings byte", "run manifest byte", "bundle manifest byte", "deleted file", "added file", "runs reordered", "evidence swapped", "signature from another key", "run dropped from the middle"]);

    [Theory]
    [MemberData(nameof(Tampering))]
    public void Verify_ATamperedBundle_NamesWhatWasTampered(string tampering)
    {
        var bundle = fixture.Export(new ExportRequest { Last = 10 });
        var entries = BundleFixture.Entries(bundle);
        var manifest = JsonNode.Parse(entries[BundleFormat.Manifest])!.AsObject();
        var runs = manifest["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        var evidence = entries.Keys.Where(k => k.StartsWith("evidence/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        static byte[] Flip(byte[] bytes)
        {
            var copy = bytes.ToArray();
            copy[copy.Length / 2] ^= 0x01;
            return copy;
        }

        string tampered;
        string expected;
        switch (tampering)
        {
            case "evidence byte":
                tampered = fixture.Tamper(bundle, (n, b) => n == evidence[0] ? Flip(b) : b);
                expected = evidence[0];
                break;
            case "report byte":
                tampered = fixture.Tamper(bundle, (n, b) => n == BundleFormat.Report ? Flip(b) : b);
                expected = BundleFormat.Report;
                break;
            case "findings byte":
                tampered = fixture.Tamper(bundle, (n, b) => n == BundleFormat.Findings(runs[1]) ? Flip(b) : b);
                expected = BundleFormat.Findings(runs[1]);
                break;
            case "run manifest byte":
                tampered = fixture.Tamper(bundle, (n, b) => n == BundleFormat.RunManifest(runs[2]) ? Flip(b) : b);
                expected = BundleFormat.RunManifest(runs[2]);
                break;
            case "bundle manifest byte":
                tampered = fixture.Tamper(bundle, (n, b) => n == BundleFormat.Manifest ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b).Replace("\"size\":", "\"size\": ", StringComparison.Ordinal)) : b);
                expected = BundleFormat.Manifest;
                break;
            case "deleted file":
                tampered = fixture.Tamper(bundle, (n, b) => n == BundleFormat.ControlFile("A.8.24") ? null : b);
                expected = BundleFormat.ControlFile("A.8.24");
                break;
            case "added file":
                tampered = fixture.Tamper(bundle, (_, b) => b, new Dictionary<string, byte[]> { ["evidence/extra.json"] = "{}"u8.ToArray() });
                expected = "evidence/extra.json";
                break;
            case "runs reordered":
                // An insider with the signing key re-signs a bundle whose runs are listed out of order.
                var reordered = (JsonObject)manifest.DeepClone();
                var list = reordered["runs"]!.AsArray();
                var moved = list[0]!.DeepClone();
                list.RemoveAt(0);
                list.Insert(2, moved);
                tampered = ReSigned(bundle, reordered);
                expected = "runs reordered";
                break;
            case "evidence swapped":
                tampered = fixture.Tamper(bundle, (n, b) => n == evidence[0] ? entries[evidence[1]] : n == evidence[1] ? entries[evidence[0]] : b);
                expected = evidence[1];
                break;
            case "signature from another key":
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    var forged = other.SignData(entries[BundleFormat.Manifest], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                    tampered = fixture.Tamper(bundle, (n, b) => n == BundleFormat.ManifestSignature ? forged : b);
                }

                expected = BundleFormat.ManifestSignature;
                break;
            default:
                // An insider with the signing key drops the middle run and re-signs: the run chain still breaks.
                var dropped = (JsonObject)manifest.DeepClone();
                var middle = runs[1];
                dropped["runs"]!.AsArray().RemoveAt(1);
                var files = dropped["files"]!.AsArray();
                foreach (var f in files.Where(f => f!["path"]!.GetValue<string>().Contains(middle, StringComparison.Ordinal)).ToList())
                {
                    files.Remove(f);
                }

                tampered = ReSigned(bundle, dropped, drop: n => n.Contains(middle, StringComparison.Ordinal));
                expected = "missing from the middle of the window";
                break;
        }

        var report = BundleVerifier.Verify(tampered);

        Assert.False(report.Ok, $"{tampering}: not detected");
        Assert.Contains(report.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>The bundle with a new manifest (and matching SHA256SUMS), both signed with the store's own key.</summary>
    private string ReSigned(string bundle, JsonObject manifest, Func<string, bool>? drop = null)
    {
        using var store = EvidenceStore.OpenReadOnly(fixture.Data);
        var (signer, _) = SignerFactory.Resolve(store, new SigningOptions());
        var bytes = Jcs.Canonicalize(manifest);
        var sums = string.Concat(manifest["files"]!.AsArray().Where(f => !f!["path"]!.GetValue<string>().EndsWith(".sig", StringComparison.Ordinal))
            .Select(f => $"{f!["sha256"]!.GetValue<string>()}  {f["path"]!.GetValue<string>()}\n")) + $"{Jcs.Sha256Hex(bytes)}  {BundleFormat.Manifest}\n";
        return fixture.Tamper(bundle, (n, b) => drop?.Invoke(n) == true ? null : n switch
        {
            BundleFormat.Manifest => bytes,
            BundleFormat.ManifestSignature => signer.Sign(bytes),
            BundleFormat.Sums => Encoding.UTF8.GetBytes(sums),
            BundleFormat.SumsSignature => signer.Sign(Encoding.UTF8.GetBytes(sums)),
            _ => b,
        });
    }

    [Fact]
    public async Task StandardTools_TheDocumentedProcedure_VerifiesTheBundle_AndCatchesAChangedFile()
    {
        var bundle = fixture.Export(new ExportRequest { Last = 2 });
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Root, $"unzipped-{Guid.NewGuid():N}")).FullName;
        var key = fixture.RootKeyId();
        var (unzipped, unzipOutput) = await BashAsync(folder, $"unzip -q '{bundle}' && unzip -tq '{bundle}'");
        Assert.True(unzipped == 0, unzipOutput);

        // The procedure of docs/bundle-format.md, with nothing but sha256sum and openssl.
        var script = $$"""
            set -euo pipefail
            test "$(openssl pkey -pubin -in keys/{{key}}.pem -outform DER | sha256sum | cut -d' ' -f1)" = "{{key}}"
            openssl dgst -sha256 -verify keys/{{key}}.pem -signature SHA256SUMS.sig SHA256SUMS
            sha256sum -c --quiet SHA256SUMS
            diff <(find . -type f ! -name '*.sig' ! -name SHA256SUMS | sed 's|^\./||' | sort) <(cut -c67- SHA256SUMS | sort)
            openssl dgst -sha256 -verify keys/{{key}}.pem -signature manifest.sig manifest.json
            for run in runs/*/; do openssl dgst -sha256 -verify keys/{{key}}.pem -signature "${run}manifest.sig" "${run}manifest.json"; done
            """;
        var (code, output) = await BashAsync(folder, script);
        Assert.True(code == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);

        var evidence = Directory.GetFiles(Path.Combine(folder, "evidence"))[0];
        await File.AppendAllTextAsync(evidence, " ");
        var (broken, brokenOutput) = await BashAsync(folder, "sha256sum -c --quiet SHA256SUMS");
        Assert.NotEqual(0, broken);
        Assert.Contains(Path.GetFileName(evidence), brokenOutput, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> BashAsync(string folder, string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

public sealed class BundleViewTests(BundleFixture fixture) : IClassFixture<BundleFixture>
{
    [Fact]
    public void Exclusions_MakeAControlNotApplicableInTheSoa_WithItsJustification()
    {
        var bundle = fixture.Export(new ExportRequest { Last = 1, Exclusions = [new Exclusion("A.7.4", "No physical premises: fully remote, cloud-only company")] });
        var entries = BundleFixture.Entries(bundle);

        var soa = Encoding.UTF8.GetString(entries[BundleFormat.Soa]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("control,theme,name,applicable,justification,status,evidence_items,latest_evidence", soa[0]);
        var excluded = Assert.Single(soa, l => l.StartsWith("A.7.4,", StringComparison.Ordinal));
        Assert.Contains(",no,\"No physical premises: fully remote, cloud-only company\",", excluded, StringComparison.Ordinal);
        Assert.StartsWith("A.8.24,Technological,Use of cryptography,yes,,non_compliant,", Assert.Single(soa, l => l.StartsWith("A.8.24,", StringComparison.Ordinal)), StringComparison.Ordinal);
        var view = JsonNode.Parse(entries[BundleFormat.ControlFile("A.7.4")])!;
        Assert.False(view["applicable"]!.GetValue<bool>());
        Assert.Contains("Excluded from the Statement of Applicability", Encoding.UTF8.GetString(entries[BundleFormat.Report]), StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_NarrowTheViews_NeverTheIntegrityData()
    {
        var whole = BundleFixture.Entries(fixture.Export(new ExportRequest { Last = 2 }));
        var narrowed = fixture.Export(new ExportRequest { Last = 2, Accounts = ["222222222222"], Controls = ["A.8.24"] });
        var entries = BundleFixture.Entries(narrowed);

        Assert.True(BundleVerifier.Verify(narrowed).Ok);
        // Every run manifest, payload, envelope and finding line is there whole.
        foreach (var name in whole.Keys.Where(n => n.StartsWith("runs/", StringComparison.Ordinal) || n.StartsWith("evidence/", StringComparison.Ordinal) || n.StartsWith("envelopes/", StringComparison.Ordinal) || n.EndsWith(".jsonl", StringComparison.Ordinal)))
        {
            Assert.True(whole[name].AsSpan().SequenceEqual(entries[name]), $"{name} differs in the narrowed bundle");
        }

        // The views show the subset: one control, and no finding of another account.
        Assert.Equal([BundleFormat.ControlFile("A.8.24")], entries.Keys.Where(k => k.StartsWith("controls/", StringComparison.Ordinal)));
        var view = JsonNode.Parse(entries[BundleFormat.ControlFile("A.8.24")])!;
        Assert.Empty(view["findings"]!.AsArray());
        // Checks map to it but the subset holds no finding of them: incomplete, never compliant.
        Assert.All(view["runs"]!.AsArray(), r => Assert.Equal("incomplete", r!["status"]!.GetValue<string>()));
        Assert.Equal(2, Encoding.UTF8.GetString(entries[BundleFormat.Soa]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var parameters = JsonNode.Parse(entries[BundleFormat.Manifest])!["parameters"]!;
        Assert.Equal("222222222222", parameters["accounts"]![0]!.GetValue<string>());
    }
}
