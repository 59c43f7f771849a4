using EvidenceCollector.Canonical;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void ToCanonicalBytes_StreamedWriter_EqualsRfc8785OfTheJsonTree()
    {
        string H(int i) => Jcs.Sha256Hex(BitConverter.GetBytes(i));
        var manifest = new ManifestInput(
            "run-1", 7, RunTrigger.Scheduled, "schedule:nightly \"quoted\"", new RunScope { Accounts = ["111111111111"], Controls = ["A.8.24"] },
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(90), "1.2.3", "cfg", "key", null,
            [new TargetReport(new Target(Provider.Aws, "111111111111", "eu-west-1"), TargetOutcome.Errored, "AccessDenied: \u00e9\n")],
            [H(3), H(1), H(2), H(1)], [H(5), H(4)], [H(9), H(8), H(7)],
            [new ControlResult("A.8.24", ControlStatus.Incomplete, 1, 0, 2, 3, []), new ControlResult("A.5.1", ControlStatus.NoAutomatedEvidence, 0, 0, 0, 0, [])]);
        Assert.Equal(Jcs.Canonicalize(manifest.ToJson()), manifest.ToCanonicalBytes());
    }

    [Fact]
    public void Write_UnsortedHashes_Refused()
    {
        var manifest = new ManifestInput("r", 1, RunTrigger.OnDemand, "me", RunScope.All, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "t", "c", "k", null, [], [], [], [], []);
        var a = new string('a', 64);
        var b = new string('b', 64);
        Assert.Throws<InvalidOperationException>(() => manifest.Write([b, a], [], []));
        Assert.Throws<InvalidOperationException>(() => manifest.Write([a, a], [], []));
    }
    [Fact]
    public void FindingHash_WrittenDirectly_EqualsTheHashOfTheCanonicalJsonObject()
    {
        // FindingHash writes the canonical JSON without building a JsonObject; verify and older stores rely
        // on the bytes being exactly those of CanonicalForms.Finding canonicalised.
        var random = new Random(7);
        string Text(int max)
        {
            var alphabet = new[] { "a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\u0001", "\u001f", "\u007f", "\u00e9", "\u20ac", "\U0001F600", "\ud800", "/", "<", "'" };
            return string.Concat(Enumerable.Range(0, random.Next(max)).Select(_ => alphabet[random.Next(alphabet.Length)]));
        }

        for (var i = 0; i < 500; i++)
        {
            var finding = new Finding
            {
                RunId = Text(40),
                CheckId = "aws." + Text(20),
                Title = Text(60),
                Provider = i % 2 == 0 ? Provider.Aws : Provider.Azure,
                Account = Text(12),
                Region = Text(12),
                ResourceId = Text(i % 50 == 0 ? 3000 : 80),
                Status = (FindingStatus)(i % 4),
                Severity = (Severity)(i % 5),
                Message = Text(200),
                Evidence = Enumerable.Range(0, random.Next(4)).Select(_ => Text(64)).ToList(),
                Controls = Enumerable.Range(0, random.Next(3)).Select(_ => Text(8)).ToList(),
                MappingKey = i % 3 == 0 ? null : Text(30),
            };

            var expected = Jcs.Sha256Hex(Jcs.Canonicalize(CanonicalForms.Finding(finding)));
            Assert.Equal(expected, CanonicalForms.FindingHash(finding));
        }
    }
}
