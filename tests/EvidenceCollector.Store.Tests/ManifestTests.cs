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
}
