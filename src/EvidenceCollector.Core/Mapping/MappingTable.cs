using System.Text.RegularExpressions;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Mapping;

/// <summary>An Annex A 2022 control from <c>annex-a.csv</c>.</summary>
public sealed record Control(string Id, string Theme, string Name);

/// <summary>One mapping row: this check (or rule) gives evidence for this control, because of the rationale.</summary>
public sealed record MappingRow(string Key, string ControlId, string Rationale, string File, int Line);

/// <summary>A 2013 control and the 2022 control it became.</summary>
public sealed record CrosswalkRow(string Id2013, string Id2022, string Name2013);

/// <summary>All validation problems of a mapping folder, each as <c>file:line: message</c>.</summary>
public sealed class MappingValidationException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1 ? problems[0] : $"{problems[0]} (and {problems.Count - 1} more problem(s))")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// The mapping: data, not code. Loaded from <c>&lt;dir&gt;/iso27001-2022/</c> and validated at start-up
/// against the control catalogue and the built-in checks.
/// </summary>
public sealed partial class MappingTable
{
    public const string Framework = "iso27001-2022";
    public const string AnnexFile = "annex-a.csv";
    public const string CheckControlsFile = "check-controls.csv";
    public const string CrosswalkFile = "crosswalk-2013.csv";

    private readonly Dictionary<string, List<MappingRow>> _byCheck;
    private readonly Dictionary<string, Dictionary<string, List<MappingRow>>> _byRule;

    private MappingTable(
        string directory,
        IReadOnlyList<Control> controls,
        IReadOnlyList<MappingRow> checkRows,
        IReadOnlyDictionary<string, IReadOnlyList<MappingRow>> ruleTables,
        IReadOnlyList<CrosswalkRow> crosswalk)
    {
        Directory = directory;
        Controls = controls;
        CheckRows = checkRows;
        RuleTables = ruleTables;
        Crosswalk = crosswalk;
        ControlsById = controls.ToDictionary(c => c.Id, StringComparer.Ordinal);
        _byCheck = checkRows.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        _byRule = ruleTables.ToDictionary(
            t => t.Key,
            t => t.Value.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>The folder that holds <c>iso27001-2022/</c>.</summary>
    public string Directory { get; }

    public IReadOnlyList<Control> Controls { get; }

    public IReadOnlyDictionary<string, Control> ControlsById { get; }

    public IReadOnlyList<MappingRow> CheckRows { get; }

    /// <summary>Per-rule tables (e.g. <c>aws-config-rules</c>), keyed by table name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MappingRow>> RuleTables { get; }

    public IReadOnlyList<CrosswalkRow> Crosswalk { get; }

    /// <summary>Control ids a built-in check maps to.</summary>
    public IReadOnlyList<string> ControlsForCheck(string checkId) =>
        _byCheck.TryGetValue(checkId, out var rows) ? rows.Select(r => r.ControlId).Distinct().ToList() : [];

    /// <summary>Control ids a rule maps to through its table; empty when the rule is unmapped.</summary>
    public IReadOnlyList<string> ControlsForRule(string table, string key) =>
        _byRule.TryGetValue(table, out var rows) && rows.TryGetValue(key, out var hit) ? hit.Select(r => r.ControlId).Distinct().ToList() : [];

    /// <summary>The controls a finding maps to: its check's rows, or its rule's rows for dynamic checks.</summary>
    public IReadOnlyList<string> ControlsFor(CheckMetadata check, string? mappingKey) =>
        check.DynamicMapping is { } table ? (mappingKey is null ? [] : ControlsForRule(table, mappingKey)) : ControlsForCheck(check.Id);

    /// <summary>Controls that some built-in check or mapped rule gives automated evidence for.</summary>
    public IReadOnlySet<string> AutomatedControls(IEnumerable<CheckMetadata> checks)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            if (check.DynamicMapping is { } table && RuleTables.TryGetValue(table, out var rows))
            {
                set.UnionWith(rows.Select(r => r.ControlId));
            }
            else
            {
                set.UnionWith(ControlsForCheck(check.Id));
            }
        }

        return set;
    }

    /// <summary>Loads and validates; throws <see cref="MappingValidationException"/> listing every problem.</summary>
    public static MappingTable Load(string directory, IEnumerable<CheckMetadata> builtInChecks)
    {
        try
        {
            return LoadCore(directory, builtInChecks);
        }
        catch (MappingFileException e)
        {
            throw new MappingValidationException([e.Message]);
        }
    }

    private static MappingTable LoadCore(string directory, IEnumerable<CheckMetadata> builtInChecks)
    {
        var checks = builtInChecks.ToList();
        var problems = new List<string>();
        var folder = Path.Combine(directory, Framework);
        if (!System.IO.Directory.Exists(folder))
        {
            throw new MappingValidationException([$"{folder}: mapping folder not found (expected {Framework}/ with {AnnexFile} and {CheckControlsFile})"]);
        }

        var annexPath = Path.Combine(folder, AnnexFile);
        var controls = LoadControls(annexPath, problems);
        var known = controls.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var checkIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            if (!checkIds.Add(check.Id))
            {
                problems.Add($"built-in check id '{check.Id}' is declared twice");
            }
        }

        var staticChecks = checks.Where(c => c.DynamicMapping is null).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var checkRows = LoadRows(Path.Combine(folder, CheckControlsFile), ["check_id", "control_id", "rationale"], known, problems, key =>
            staticChecks.Contains(key) ? null : $"unknown check id '{key}'");

        foreach (var check in checks.Where(c => c.DynamicMapping is null))
        {
            if (!checkRows.Any(r => r.Key == check.Id))
            {
                problems.Add($"{Path.Combine(folder, CheckControlsFile)}: built-in check '{check.Id}' has no control (add a row '{check.Id},A.x.y,rationale')");
            }
        }

        var ruleTables = new Dictionary<string, IReadOnlyList<MappingRow>>(StringComparer.Ordinal);
        foreach (var table in checks.Select(c => c.DynamicMapping).OfType<string>().Distinct())
        {
            var path = Path.Combine(folder, table + ".csv");
            if (!File.Exists(path))
            {
                problems.Add($"{path}: mapping table '{table}' not found");
                continue;
            }

            ruleTables[table] = LoadRows(path, null, known, problems, key => RuleKey().IsMatch(key) ? null : $"malformed rule identifier '{key}'");
        }

        var crosswalk = LoadCrosswalk(Path.Combine(folder, CrosswalkFile), known, problems);
        if (problems.Count > 0)
        {
            throw new MappingValidationException(problems);
        }

        return new MappingTable(directory, controls, checkRows, ruleTables, crosswalk);
    }

    private static List<Control> LoadControls(string path, List<string> problems)
    {
        var controls = new List<Control>();
        if (!File.Exists(path))
        {
            problems.Add($"{path}:1: file not found");
            return controls;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, fields) in ReadWithHeader(path, ["id", "theme", "name"], problems))
        {
            if (fields.Length != 3)
            {
                problems.Add($"{path}:{line}: expected 3 fields (id,theme,name), found {fields.Length}");
                continue;
            }

            if (!ControlId().IsMatch(fields[0]))
            {
                problems.Add($"{path}:{line}: malformed control id '{fields[0]}' (expected A.<theme>.<n>, e.g. A.8.24)");
                continue;
            }

            if (!seen.Add(fields[0]))
            {
                problems.Add($"{path}:{line}: duplicate control '{fields[0]}'");
                continue;
            }

            if (fields[1].Length == 0 || fields[2].Length == 0)
            {
                problems.Add($"{path}:{line}: control '{fields[0]}' has an empty theme or name");
                continue;
            }

            controls.Add(new Control(fields[0], fields[1], fields[2]));
        }

        return controls;
    }

    private static List<MappingRow> LoadRows(string path, string[]? header, HashSet<string> knownControls, List<string> problems, Func<string, string?> keyProblem)
    {
        var rows = new List<MappingRow>();
        if (!File.Exists(path))
        {
            problems.Add($"{path}:1: file not found");
            return rows;
        }

        var seen = new Dictionary<(string, string), int>();
        foreach (var (line, fields) in ReadWithHeader(path, header, problems))
        {
            if (fields.Length != 3)
            {
                problems.Add($"{path}:{line}: expected 3 fields, found {fields.Length}");
                continue;
            }

            var (key, control, rationale) = (fields[0], fields[1], fields[2]);
            var bad = false;
            if (keyProblem(key) is { } message)
            {
                problems.Add($"{path}:{line}: {message}");
                bad = true;
            }

            if (!knownControls.Contains(control))
            {
                problems.Add($"{path}:{line}: unknown control id '{control}'");
                bad = true;
            }

            if (rationale.Length == 0)
            {
                problems.Add($"{path}:{line}: empty rationale for '{key}' -> '{control}'");
                bad = true;
            }

            if (seen.TryGetValue((key, control), out var firstLine))
            {
                problems.Add($"{path}:{line}: duplicate row '{key},{control}' (first at line {firstLine})");
                bad = true;
            }
            else
            {
                seen[(key, control)] = line;
            }

            if (!bad)
            {
                rows.Add(new MappingRow(key, control, rationale, path, line));
            }
        }

        return rows;
    }

    private static List<CrosswalkRow> LoadCrosswalk(string path, HashSet<string> knownControls, List<string> problems)
    {
        var rows = new List<CrosswalkRow>();
        if (!File.Exists(path))
        {
            return rows;
        }

        foreach (var (line, fields) in ReadWithHeader(path, ["id2013", "id2022", "name2013"], problems))
        {
            if (fields.Length != 3)
            {
                problems.Add($"{path}:{line}: expected 3 fields (id2013,id2022,name2013), found {fields.Length}");
                continue;
            }

            if (!knownControls.Contains(fields[1]))
            {
                problems.Add($"{path}:{line}: unknown control id '{fields[1]}'");
                continue;
            }

            rows.Add(new CrosswalkRow(fields[0], fields[1], fields[2]));
        }

        return rows;
    }

    private static IEnumerable<(int Line, string[] Fields)> ReadWithHeader(string path, string[]? header, List<string> problems)
    {
        var first = true;
        foreach (var record in Csv.Read(path))
        {
            if (first)
            {
                first = false;
                if (header is not null && !record.Fields.SequenceEqual(header, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add($"{path}:{record.Line}: header must be '{string.Join(",", header)}'");
                }

                continue;
            }

            yield return record;
        }
    }

    [GeneratedRegex(@"^A\.[5-8]\.[1-9][0-9]?$")]
    private static partial Regex ControlId();

    /// <summary>A rule's identifier: an AWS Config rule, an Azure Policy definition name (custom ones may hold single inner spaces).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_.:\-/]+( [A-Za-z0-9_.:\-/]+)*$")]
    private static partial Regex RuleKey();
}
