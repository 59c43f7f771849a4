using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Store.Tests;

/// <summary>Builds stores with sealed runs through the real writer, and edits them behind its back.</summary>
internal sealed class StoreTestKit : IDisposable
{
    public StoreTestKit()
    {
        Root = Directory.CreateTempSubdirectory("ec-store-").FullName;
        Data = Path.Combine(Root, "data");
    }

    public string Root { get; }

    public string Data { get; }

    public EvidenceStore Open() => EvidenceStore.OpenOrCreate(Data);

    public (ISigner Signer, ISigner? Previous) Signer(EvidenceStore store, SigningOptions? options = null) => SignerFactory.Resolve(store, options ?? new SigningOptions());

    /// <summary>Seals a run with <paramref name="resources"/> widgets (half failing) and returns its id.</summary>
    public SealResult SealRun(EvidenceStore store, int resources = 3, string salt = "", SigningOptions? signing = null, RunScope? scope = null)
    {
        using var writer = store.BeginRun(new RunStart(RunTrigger.OnDemand, "tester", scope ?? RunScope.All, "test-1.0", "cfg"));
        var findings = new List<Finding>();
        for (var i = 0; i < resources; i++)
        {
            var payload = new JsonObject { ["Name"] = $"w{i}{salt}", ["Encrypted"] = i % 2 == 0, ["Size"] = 1024 + i };
            var resource = $"arn:aws:test:eu-west-1:111111111111:widget/w{i}{salt}";
            var hash = writer.AddEvidence(payload, h => new Envelope(writer.RunId, Provider.Aws, "111111111111", "eu-west-1", "eu-west-1", "aws.test.widget", resource, h, "test", ["ListWidgets"], "https://test", $"req-{i}", new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), "test-1.0"));
            findings.Add(new Finding
            {
                RunId = writer.RunId,
                CheckId = "aws.test.widget_encrypted",
                Title = "Widgets are encrypted",
                Provider = Provider.Aws,
                Account = "111111111111",
                Region = "eu-west-1",
                ResourceId = resource,
                Status = i % 2 == 0 ? FindingStatus.Pass : FindingStatus.Fail,
                Severity = Severity.High,
                Message = i % 2 == 0 ? "encrypted" : "not encrypted",
                Evidence = [hash],
                Controls = ["A.8.24"],
            });
        }

        writer.AddTargets([new TargetReport(new Target(Provider.Aws, "111111111111", "eu-west-1"), TargetOutcome.Evaluated, null)]);
        var controls = new List<ControlResult> { new("A.8.24", findings.Any(f => f.Status == FindingStatus.Fail) ? ControlStatus.NonCompliant : ControlStatus.Compliant, findings.Count(f => f.Status == FindingStatus.Pass), findings.Count(f => f.Status == FindingStatus.Fail), 0, 0, ["aws.test.widget_encrypted"]) };
        var (signer, previous) = Signer(store, signing);
        return writer.Seal(findings, controls, signer, previous);
    }

    /// <summary>Runs SQL against the index directly, as someone with write access to the data folder could.</summary>
    public void Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, EvidenceStore.IndexFile)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public string Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, EvidenceStore.IndexFile)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public VerifyReport Verify(string? trusted = null)
    {
        using var store = EvidenceStore.OpenReadOnly(Data);
        return Verifier.Verify(store, trusted);
    }

    /// <summary>The payload locations the index holds: (hash, pack, offset, length), in pack order.</summary>
    public List<(string Hash, string Pack, long Offset, long Length)> ObjectRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, EvidenceStore.IndexFile)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash, pack, offset, length FROM objects ORDER BY pack, offset";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, long, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    public string PackFile(string pack) => Path.Combine(Data, "objects", "packs", pack);

    /// <summary>The bytes an index row locates in its pack.</summary>
    public byte[] PackPayload((string Hash, string Pack, long Offset, long Length) row) =>
        File.ReadAllBytes(PackFile(row.Pack)).AsSpan((int)row.Offset, (int)row.Length).ToArray();

    /// <summary>Flips one bit of the byte at <paramref name="offset"/> of a file, as a tamperer with disk access could.</summary>
    public static void FlipByte(string path, long offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 1;
        File.WriteAllBytes(path, bytes);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
