using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using EvidenceCollector.Canonical;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Benchmarks;

/// <summary>
/// `store`: seal 100 000 findings over 20 000 evidence payloads (1–4 KiB), and in the same run the raw
/// work at the same durability — SHA-256 of the same bytes, the same files written with the same fsyncs,
/// a SQLite batch insert of the same rows — and the ratio raw ÷ ours.
/// </summary>
internal static class StoreBenchmark
{
    public static void Run(int payloads, int findingsPerPayload)
    {
        var root = Directory.CreateTempSubdirectory("ec-bench-store-").FullName;
        try
        {
            var random = new Random(42);
            var documents = Enumerable.Range(0, payloads).Select(i => Payload(random, i)).ToList();
            var canonical = documents.Select(d => Jcs.Canonicalize(d)).ToList();
            var bytes = canonical.Sum(c => (long)c.Length);
            Console.WriteLine($"store benchmark: {payloads} payloads ({bytes / 1024.0 / 1024.0:F1} MiB canonical, {canonical.Min(c => c.Length)}–{canonical.Max(c => c.Length)} bytes), {payloads * findingsPerPayload} findings");

            // Alternate ours / raw (ours, raw, raw, ours) so disk warm-up and cache effects fall on both sides.
            var oursTimes = new List<TimeSpan>();
            var rawTimes = new List<TimeSpan>();
            SealResult? seal = null;
            var rawDirectories = 0;
            foreach (var (which, round) in new[] { ("ours", 0), ("raw", 0), ("raw", 1), ("ours", 1) })
            {
                if (which == "ours")
                {
                    var (time, result) = Ours(Path.Combine(root, $"ours{round}"), documents, payloads, findingsPerPayload);
                    oursTimes.Add(time);
                    seal = result;
                }
                else
                {
                    var (time, dirCount) = Raw(Path.Combine(root, $"raw{round}"), canonical, payloads, findingsPerPayload);
                    rawTimes.Add(time);
                    rawDirectories = dirCount;
                }
            }

            var findingsTotal = payloads * findingsPerPayload;
            var oursSeconds = oursTimes.Average(t => t.TotalSeconds);
            var rawSeconds = rawTimes.Average(t => t.TotalSeconds);
            Console.WriteLine($"ours: {oursSeconds:F2} s (runs {string.Join(", ", oursTimes.Select(t => t.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}) = {findingsTotal / oursSeconds:F0} findings/s, {bytes / 1024.0 / 1024.0 / oursSeconds:F1} MiB/s (sealed #{seal!.Sequence}, {seal.Evidence} evidence, {seal.Findings} findings)");
            Console.WriteLine($"raw:  {rawSeconds:F2} s (runs {string.Join(", ", rawTimes.Select(t => t.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}) = {findingsTotal / rawSeconds:F0} findings/s, {bytes / 1024.0 / 1024.0 / rawSeconds:F1} MiB/s (SHA-256 + {payloads} files with fsync + rename + {rawDirectories} directory fsyncs + SQLite batch insert of {payloads} + {findingsTotal} rows)");
            Console.WriteLine($"ratio raw/ours: {rawSeconds / oursSeconds:F2} (goal >= 0.7)");
            using var verifyStore = EvidenceStore.OpenReadOnly(Path.Combine(root, "ours1"));
            var verify = Stopwatch.StartNew();
            var report = Verifier.Verify(verifyStore);
            Console.WriteLine($"verify: {(report.Ok ? "ok" : report.Problem)} in {verify.Elapsed.TotalSeconds:F2} s ({report.EvidenceFiles} payloads re-hashed, {report.Findings} findings)");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static (TimeSpan, SealResult) Ours(string path, List<JsonObject> documents, int payloads, int findingsPerPayload)
    {
        // Ours: the real writer, from JSON documents to a sealed, signed run.
        var ours = Stopwatch.StartNew();
        SealResult seal;
        using (var store = EvidenceStore.OpenOrCreate(path))
        {
            using var writer = store.BeginRun(new RunStart(RunTrigger.OnDemand, "bench", RunScope.All, "bench", "cfg"));
            var findings = new List<Finding>(payloads * findingsPerPayload);
            for (var i = 0; i < payloads; i++)
            {
                var resource = $"arn:aws:ec2:eu-west-1:111111111111:volume/vol-{i:x8}";
                var hash = writer.AddEvidence(documents[i], h => new Envelope(writer.RunId, Provider.Aws, "111111111111", "eu-west-1", "eu-west-1", "aws.ec2.volume", resource, h, "ec2", ["DescribeVolumes"], "https://ec2.eu-west-1.amazonaws.com", $"req-{i}", DateTimeOffset.UnixEpoch, "bench"));
                for (var f = 0; f < findingsPerPayload; f++)
                {
                    findings.Add(new Finding
                    {
                        RunId = writer.RunId,
                        CheckId = $"aws.ec2.check_{f}",
                        Title = $"Check {f}",
                        Provider = Provider.Aws,
                        Account = "111111111111",
                        Region = "eu-west-1",
                        ResourceId = resource,
                        Status = (i + f) % 3 == 0 ? FindingStatus.Fail : FindingStatus.Pass,
                        Severity = Severity.High,
                        Message = "volume is encrypted with a customer managed key",
                        Evidence = [hash],
                        Controls = ["A.8.24"],
                    });
                }
            }

            var (signer, previous) = SignerFactory.Resolve(store, new SigningOptions());
            seal = writer.Seal(findings, [new ControlResult("A.8.24", ControlStatus.NonCompliant, 1, 1, 0, 0, [])], signer, previous);
        }

        ours.Stop();
        return (ours.Elapsed, seal);
    }

    private static (TimeSpan, int) Raw(string path, List<byte[]> canonical, int payloads, int findingsPerPayload)
    {
        // Raw: the same bytes hashed, written with the same fsyncs, the same rows inserted.
        var raw = Stopwatch.StartNew();
        var rawDir = Directory.CreateDirectory(path).FullName;
        var dirs = new HashSet<string>();
        var hashes = new string[payloads];
        for (var i = 0; i < payloads; i++)
        {
            hashes[i] = Convert.ToHexStringLower(SHA256.HashData(canonical[i]));
            var dir = Path.Combine(rawDir, hashes[i][..2]);
            if (dirs.Add(dir))
            {
                Directory.CreateDirectory(dir);
            }

            var temp = Path.Combine(rawDir, $"{i}.tmp");
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                stream.Write(canonical[i]);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path.Combine(dir, hashes[i][2..]));
        }

        foreach (var dir in dirs.Append(rawDir))
        {
            SyncDirectory(dir);
        }

        var findingRows = new List<(string Hash, string Json)>(payloads * findingsPerPayload);
        for (var i = 0; i < payloads; i++)
        {
            for (var f = 0; f < findingsPerPayload; f++)
            {
                var json = $"{{\"check\":\"aws.ec2.check_{f}\",\"resource\":\"vol-{i:x8}\",\"evidence\":\"{hashes[i]}\"}}";
                findingRows.Add((Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))), json));
            }
        }

        using (var db = new SqliteConnection($"Data Source={Path.Combine(rawDir, "raw.db")};Pooling=False"))
        {
            db.Open();
            using (var pragma = db.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE e(run TEXT, hash TEXT, ev TEXT, kind TEXT, account TEXT, region TEXT, res TEXT, json TEXT, PRIMARY KEY(run, hash)); CREATE TABLE f(run TEXT, hash TEXT, c TEXT, t TEXT, p TEXT, a TEXT, r TEXT, res TEXT, s TEXT, sev TEXT, m TEXT, ev TEXT, ctl TEXT, k TEXT, PRIMARY KEY(run, hash));";
                pragma.ExecuteNonQuery();
            }

            using var tx = db.BeginTransaction();
            using var insertE = db.CreateCommand();
            insertE.Transaction = tx;
            insertE.CommandText = "INSERT INTO e VALUES($1,$2,$3,$4,$5,$6,$7,$8)";
            var pe = Enumerable.Range(1, 8).Select(n => insertE.Parameters.Add($"${n}", SqliteType.Text)).ToArray();
            for (var i = 0; i < payloads; i++)
            {
                var values = new[] { "run", $"{hashes[i]}{i}", hashes[i], "aws.ec2.volume", "111111111111", "eu-west-1", $"vol-{i:x8}", $"{{\"req\":\"req-{i}\",\"ev\":\"{hashes[i]}\",\"pad\":\"{new string('x', 300)}\"}}" };
                for (var n = 0; n < 8; n++)
                {
                    pe[n].Value = values[n];
                }

                insertE.ExecuteNonQuery();
            }

            using var insertF = db.CreateCommand();
            insertF.Transaction = tx;
            insertF.CommandText = "INSERT INTO f VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)";
            var pf = Enumerable.Range(1, 14).Select(n => insertF.Parameters.Add($"${n}", SqliteType.Text)).ToArray();
            foreach (var (hash, json) in findingRows)
            {
                var values = new object[] { "run", hash, "aws.ec2.check_1", "Check 1", "aws", "111111111111", "eu-west-1", json, "pass", "high", "volume is encrypted with a customer managed key", "[\"" + hash + "\"]", "[\"A.8.24\"]", DBNull.Value };
                for (var n = 0; n < 14; n++)
                {
                    pf[n].Value = values[n];
                }

                insertF.ExecuteNonQuery();
            }

            tx.Commit();
        }

        raw.Stop();
        return (raw.Elapsed, dirs.Count + 1);
    }

    /// <summary>A DescribeVolumes-like answer of 1–4 KiB.</summary>
    private static JsonObject Payload(Random random, int i)
    {
        var attachments = new JsonArray();
        for (var a = 0; a < random.Next(1, 4); a++)
        {
            attachments.Add(new JsonObject { ["AttachTime"] = "2026-01-01T00:00:00.000Z", ["Device"] = $"/dev/sd{(char)('f' + a)}", ["InstanceId"] = $"i-{random.Next():x8}", ["State"] = "attached", ["DeleteOnTermination"] = random.Next(2) == 0 });
        }

        var tags = new JsonArray();
        for (var t = 0; t < random.Next(12, 52); t++)
        {
            tags.Add(new JsonObject { ["Key"] = $"tag-{t}", ["Value"] = new string((char)('a' + (t % 26)), random.Next(30, 80)) });
        }

        return new JsonObject
        {
            ["VolumeId"] = $"vol-{i:x8}",
            ["Size"] = random.Next(8, 2000),
            ["Iops"] = random.Next(100, 16000),
            ["Throughput"] = 125,
            ["Encrypted"] = random.Next(3) != 0,
            ["KmsKeyId"] = $"arn:aws:kms:eu-west-1:111111111111:key/{Guid.NewGuid()}",
            ["AvailabilityZone"] = "eu-west-1a",
            ["CreateTime"] = "2025-06-01T12:00:00.000Z",
            ["State"] = "in-use",
            ["VolumeType"] = "gp3",
            ["MultiAttachEnabled"] = false,
            ["Attachments"] = attachments,
            ["Tags"] = tags,
        };
    }

    private static void SyncDirectory(string directory)
    {
        var fd = Native.Open(directory, 0);
        _ = Native.FSync(fd);
        _ = Native.Close(fd);
    }
}
