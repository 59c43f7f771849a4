using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collection;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Pipeline.Stages;

/// <summary>
/// Judges one group of checks over one account: loads the group's payloads back from the store (what was stored
/// is what is judged), runs each check through its <see cref="CheckEvaluation"/> (the finding rules), hands the
/// findings on in batches and lets the payloads go. Checks that judge item by item
/// (<see cref="CheckMetadata.ItemByItem"/>) see the payloads in batches of about <see cref="ItemBatchBytes"/>, so
/// memory follows a batch, not the size of the account; the others see all of the account's payloads of their
/// kinds at once.
/// </summary>
public sealed class GroupEvaluator(CheckEvaluationContext context, IEvidenceWriter store, IRunWriter writer, IReadOnlyList<PlannedTarget> planned, CollectionLedger ledger)
{
    /// <summary>Findings are handed on in batches of this size.</summary>
    public const int FindingBatch = 2048;

    /// <summary>
    /// Item-by-item checks are fed batches that close once they hold this many payload bytes (parsed, a batch
    /// takes two to three times that: a 100 k-resource estate's Config rules, ~190 kB each, held 8–10 MiB of
    /// the live heap in batches of 4 MiB) ...
    /// </summary>
    public const long ItemBatchBytes = 1L * 1024 * 1024;

    /// <summary>... and at most this many items.</summary>
    public const int ItemBatchCount = 256;

    /// <summary>Payloads from this size on are judged from a copy of their parsed form (see <see cref="LoadedEvidence.Load"/>).</summary>
    public const int LargePayloadBytes = 64 * 1024;

    private readonly List<PlannedTarget> _planned = [.. planned];

    public void Evaluate(string account, CheckGroup group, Action<IReadOnlyList<Finding>> sink)
    {
        var provider = group.Provider;
        var accountErrors = ledger.Errors.Where(e => e.Target.Provider == provider && e.Target.Account == account).ToList();
        writer.FlushEnvelopes();
        var stored = writer.Evidence(account, group.Kinds);
        var evaluations = group.Checks.Select(check => new CheckEvaluation(context, writer.RunId, check, provider, account, accountErrors, _planned, ledger.Covered, ledger.NotApplicable)).ToList();

        // Handed on in batches, in the order they are produced: a large account's group (thousands of
        // resources × its checks) never holds all its findings at once.
        var findings = new List<Finding>(FindingBatch);
        void Emit(IEnumerable<Finding> produced)
        {
            foreach (var finding in produced)
            {
                findings.Add(finding);
                if (findings.Count == FindingBatch)
                {
                    sink(findings);
                    findings = new List<Finding>(FindingBatch);
                }
            }
        }

        var whole = evaluations.Where(e => !e.ItemByItem).ToList();
        if (whole.Count > 0)
        {
            using var all = new LoadedEvidence(store, account);
            foreach (var item in stored)
            {
                all.Load(item);
            }

            all.JudgeBy(whole, Emit);
        }

        var byItem = evaluations.Where(e => e.ItemByItem).ToList();
        if (byItem.Count > 0)
        {
            var batch = new LoadedEvidence(store, account);
            try
            {
                var judged = false;
                foreach (var item in stored)
                {
                    batch.Load(item);
                    if (batch.Bytes >= ItemBatchBytes || batch.Items.Count >= ItemBatchCount)
                    {
                        batch.JudgeBy(byItem, Emit);
                        batch.Dispose();
                        batch = new LoadedEvidence(store, account);
                        judged = true;
                    }
                }

                // Judged at least once, empty or not: a check may conclude from the absence of items.
                if (batch.Items.Count > 0 || !judged)
                {
                    batch.JudgeBy(byItem, Emit);
                }
            }
            finally
            {
                batch.Dispose();
            }
        }

        foreach (var evaluation in evaluations)
        {
            Emit(evaluation.Complete());
        }

        sink(findings);
    }

    /// <summary>Payloads read back from the store and parsed, for as long as they are judged.</summary>
    private sealed class LoadedEvidence(IEvidenceWriter store, string account) : IDisposable
    {
        private readonly List<JsonDocument> _documents = [];

        public List<EvidenceItem> Items { get; } = [];

        /// <summary>The canonical bytes loaded so far.</summary>
        public long Bytes { get; private set; }

        public void Load(StoredEvidence stored)
        {
            var bytes = store.ReadEvidence(stored.Hash);
            var document = JsonDocument.Parse(bytes);
            JsonElement payload;
            if (bytes.Length >= LargePayloadBytes)
            {
                // A parsed document rents its index from the shared array pool, which keeps what it is given
                // back: a large payload's index is copied out and returned at once, so a group of large
                // payloads does not leave the pool holding one each.
                payload = document.RootElement.Clone();
                document.Dispose();
            }
            else
            {
                _documents.Add(document);
                payload = document.RootElement;
            }

            Items.Add(new EvidenceItem(stored.Kind, account, stored.Region, stored.ResourceId, stored.Hash, payload));
            Bytes += bytes.Length;
        }

        public void JudgeBy(List<CheckEvaluation> evaluations, Action<IEnumerable<Finding>> emit)
        {
            foreach (var evaluation in evaluations)
            {
                emit(evaluation.Judge(Items));
            }
        }

        public void Dispose()
        {
            foreach (var document in _documents)
            {
                document.Dispose();
            }

            _documents.Clear();
            Items.Clear();
        }
    }
}
