using Microsoft.Data.Sqlite;
using EvidenceCollector.Model;

namespace EvidenceCollector.Store;

/// <summary>
/// Reads that stream rows one at a time on a connection of their own (for exports of a whole window, whose rows must
/// not be held in memory at once). Sealed runs only.
/// </summary>
public sealed partial class EvidenceStore
{
    private IEnumerable<T> Stream<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var connection = new SqliteConnection(ConnectionStringFor(IndexPath, readOnly: true));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return map(reader);
        }
    }

    /// <summary>A sealed run's envelopes (hash, canonical JSON, payload hash), ordered by hash.</summary>
    public IEnumerable<EnvelopeRow> StreamEnvelopes(string runId) =>
        Stream("SELECT e.hash, e.json, e.evidence_hash FROM envelopes e JOIN runs r ON r.id=e.run_id AND r.status='sealed' WHERE e.run_id=$run ORDER BY e.hash",
            r => new EnvelopeRow(r.GetString(0), r.GetString(1), r.GetString(2), string.Empty), ("$run", runId));

    /// <summary>A sealed run's findings, in the reader order of <see cref="Findings"/>.</summary>
    public IEnumerable<Finding> StreamFindings(string runId) =>
        Stream("SELECT f.run_id, f.check_id, f.title, f.provider, f.account, f.region, f.resource_id, f.status, f.severity, f.message, f.evidence, f.controls, f.mapping_key FROM findings f JOIN runs r ON r.id = f.run_id AND r.status='sealed' WHERE f.run_id=$run ORDER BY f.check_id, f.account, f.region, f.resource_id, f.rowid",
            ReadFinding, ("$run", runId));

    /// <summary>The distinct payload hashes the envelopes of these sealed runs reference, in order.</summary>
    public IEnumerable<string> StreamEvidenceHashes(IReadOnlyCollection<string> runIds) =>
        Stream($"SELECT DISTINCT evidence_hash FROM envelopes WHERE run_id IN ({string.Join(',', runIds.Select((_, i) => $"$r{i}"))}) ORDER BY evidence_hash",
            r => r.GetString(0), runIds.Select((id, i) => ($"$r{i}", (object?)id)).ToArray());

    /// <summary>
    /// Per control, over these runs' findings (narrowed to providers and accounts when given): how many distinct
    /// payloads its findings cite, and the latest time an API answered for one of them.
    /// </summary>
    public IReadOnlyDictionary<string, (int Items, DateTimeOffset? Latest)> ControlEvidence(IReadOnlyCollection<string> runIds, IReadOnlyCollection<string> providers, IReadOnlyCollection<string> accounts)
    {
        var runs = string.Join(',', runIds.Select((_, i) => $"$r{i}"));
        var sql = $"""
            SELECT c.value, COUNT(DISTINCT ev.value), MAX(json_extract(e.json, '$.answeredAt'))
            FROM findings f, json_each(f.controls) c, json_each(f.evidence) ev
            LEFT JOIN envelopes e ON e.run_id = f.run_id AND e.evidence_hash = ev.value
            WHERE f.run_id IN ({runs})
            {(providers.Count == 0 ? string.Empty : $"AND lower(f.provider) IN ({string.Join(',', providers.Select((_, i) => $"$p{i}"))})")}
            {(accounts.Count == 0 ? string.Empty : $"AND lower(f.account) IN ({string.Join(',', accounts.Select((_, i) => $"$a{i}"))})")}
            GROUP BY c.value
            """;
        var parameters = runIds.Select((id, i) => ($"$r{i}", (object?)id))
            .Concat(providers.Select((p, i) => ($"$p{i}", (object?)p.ToLowerInvariant())))
            .Concat(accounts.Select((a, i) => ($"$a{i}", (object?)a.ToLowerInvariant()))).ToArray();
        return Stream(sql, r => (Control: r.GetString(0), Items: r.GetInt32(1), Latest: r.IsDBNull(2) ? (DateTimeOffset?)null : WireText.ParseTime(r.GetString(2))), parameters)
            .ToDictionary(x => x.Control, x => (x.Items, x.Latest), StringComparer.Ordinal);
    }
}

public sealed partial class EvidenceStore
{
    /// <summary>
    /// (control, envelope hash) pairs of a sealed run: the envelopes of the payloads its findings for each control cite
    /// (narrowed to providers and accounts when given), ordered by control, then envelope.
    /// </summary>
    public IEnumerable<(string Control, string Envelope)> StreamControlEnvelopes(string runId, IReadOnlyCollection<string> providers, IReadOnlyCollection<string> accounts)
    {
        var sql = $"""
            SELECT c.value, e.hash
            FROM findings f, json_each(f.controls) c, json_each(f.evidence) ev
            JOIN envelopes e ON e.run_id = f.run_id AND e.evidence_hash = ev.value
            WHERE f.run_id = $run
            {(providers.Count == 0 ? string.Empty : $"AND lower(f.provider) IN ({string.Join(',', providers.Select((_, i) => $"$p{i}"))})")}
            {(accounts.Count == 0 ? string.Empty : $"AND lower(f.account) IN ({string.Join(',', accounts.Select((_, i) => $"$a{i}"))})")}
            GROUP BY c.value, e.hash ORDER BY c.value, e.hash
            """;
        var parameters = new[] { ("$run", (object?)runId) }
            .Concat(providers.Select((p, i) => ($"$p{i}", (object?)p.ToLowerInvariant())))
            .Concat(accounts.Select((a, i) => ($"$a{i}", (object?)a.ToLowerInvariant()))).ToArray();
        return Stream(sql, r => (r.GetString(0), r.GetString(1)), parameters);
    }
}

public sealed partial class EvidenceStore
{
    /// <summary>One sealed run's manifest (its exact bytes, hash, key and signature), or null.</summary>
    public SealedManifest? SealedManifestOf(string runId) =>
        Stream("SELECT run_id, seq, json, hash, key_id, signature FROM manifests WHERE run_id=$run", r => new SealedManifest(r.GetString(0), r.GetInt64(1), r.GetFieldValue<byte[]>(2), r.GetString(3), r.GetString(4), r.GetString(5)), ("$run", runId)).SingleOrDefault();
}
