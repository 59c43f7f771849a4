// A small host over the real store and pipeline, for crash tests: the test starts it as a child
// process and kills it with SIGKILL at a chosen moment.
//   TestHost <data> <mappings> normal|hang-collect|hang-seal
using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;
using EvidenceCollector.TestHost;

var (data, mappings, mode) = (args[0], args[1], args[2]);
var behaviour = new WidgetBehaviour();
behaviour.Widgets[("111111111111", "eu-west-1")] = new() { ["a"] = true, ["b"] = false };
behaviour.Widgets[("111111111111", "us-east-1")] = new() { ["c"] = true };
if (mode == "hang-collect")
{
    behaviour.Gate = new TaskCompletionSource();
    behaviour.GateRegion = "us-east-1";
}

ISignerSource? signers = mode == "hang-seal" ? new HangingSignerSource() : null;
using var services = TestPipeline.Build(behaviour, mappings, signers: signers);
var runner = services.GetRequiredService<PipelineRunner>();
using var store = EvidenceStore.OpenOrCreate(data);
var outcome = await runner.RunAsync(store, new RunRequest(RunTrigger.OnDemand, "testhost", RunScope.All), new Announcer(), CancellationToken.None);
Console.WriteLine($"SEALED {outcome.Seal?.Sequence}");
return 0;

/// <summary>Announces progress on stdout so the test knows when to kill.</summary>
internal sealed class Announcer : IRunProgress
{
    public void Planned(string runId, int targets, int tasks) => Console.WriteLine($"PLANNED {runId}");

    public void CollectorFinished(string collector, Target target, int records, int errors) => Console.WriteLine($"COLLECTED {target}");

    public void Phase(string name) => Console.WriteLine($"PHASE {name}");
}

/// <summary>A signer that blocks inside the seal transaction: the test kills the process there.</summary>
internal sealed class HangingSignerSource : ISignerSource
{
    public (ISigner Signer, ISigner? Previous) Resolve(IEvidenceWriter store)
    {
        var (signer, previous) = SignerFactory.Resolve((EvidenceStore)store, new SigningOptions());
        return (new HangingSigner(signer), previous);
    }

    private sealed class HangingSigner(ISigner inner) : ISigner
    {
        public string KeyId => inner.KeyId;

        public byte[] PublicKey => inner.PublicKey;

        public byte[] SignDigest(byte[] sha256)
        {
            Console.WriteLine("SIGNING");
            using var never = new ManualResetEventSlim();
            never.Wait();
            return inner.SignDigest(sha256);
        }

        public byte[] Sign(byte[] data)
        {
            Console.WriteLine("SIGNING");
            using var never = new ManualResetEventSlim();
            never.Wait();
            return inner.Sign(data);
        }
    }
}
