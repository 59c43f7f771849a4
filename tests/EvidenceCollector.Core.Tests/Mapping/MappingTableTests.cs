using EvidenceCollector.Checks;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;

namespace EvidenceCollector.Core.Tests.Mapping;

public sealed class MappingTableTests : IDisposable
{
    private static readonly CheckMetadata Encrypted = new(Provider.Aws, "aws.test.encrypted", "Encrypted", Severity.High, "Thing", "r", "fix", ["aws.test.thing"]);
    private static readonly CheckMetadata Named = new(Provider.Aws, "aws.test.named", "Named", Severity.Low, "Thing", "r", "fix", ["aws.test.thing"]);
    private static readonly CheckMetadata Rules = new(Provider.Aws, "aws.test.rules", "Rules", Severity.Medium, "Rule", "r", "fix", ["aws.test.rule"], DynamicMapping: "test-rules");
    private readonly string _root = Directory.CreateTempSubdirectory("ec-map-").FullName;

    public MappingTableTests()
    {
        var folder = Path.Combine(_root, "iso27001-2022");
        Directory.CreateDirectory(folder);
        var repository = RepositoryMappings();
        File.Copy(Path.Combine(repository, "annex-a.csv"), Path.Combine(folder, "annex-a.csv"));
        File.Copy(Path.Combine(repository, "crosswalk-2013.csv"), Path.Combine(folder, "crosswalk-2013.csv"));
        WriteRows("aws.test.encrypted,A.8.24,Encryption is cryptography", "aws.test.named,A.5.9,Inventory");
        File.WriteAllText(Path.Combine(folder, "test-rules.csv"), "rule_identifier,control_id,rationale\nRULE_ONE,A.8.9,Configuration rule\n");
    }

    private string CheckControls => Path.Combine(_root, "iso27001-2022", "check-controls.csv");

    [Fact]
    public void Load_ShippedCatalogue_Has93ControlsIn4Themes()
    {
        var table = MappingTable.Load(_root, [Encrypted, Named, Rules]);
        Assert.Equal(93, table.Controls.Count);
        Assert.Equal(["Organizational", "People", "Physical", "Technological"], table.Controls.Select(c => c.Theme).Distinct().Order());
        Assert.Equal(["A.8.24"], table.ControlsForCheck("aws.test.encrypted"));
        Assert.Equal(["A.8.9"], table.ControlsForRule("test-rules", "RULE_ONE"));
        Assert.Empty(table.ControlsForRule("test-rules", "UNMAPPED_RULE"));
        Assert.Contains(table.Crosswalk, r => r.Id2013 == "A.10.1.1" && r.Id2022 == "A.8.24");
    }

    [Fact]
    public void Load_UnknownControl_NamesFileAndLine()
    {
        WriteRows("aws.test.encrypted,A.8.24,ok", "aws.test.named,A.9.99,bogus");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{CheckControls}:3: unknown control id 'A.9.99'", e.Problems);
    }

    [Fact]
    public void Load_UnknownCheck_NamesFileAndLine()
    {
        WriteRows("aws.test.encrypted,A.8.24,ok", "aws.test.named,A.5.9,ok", "aws.fake.nonexistent_check,A.8.24,bogus");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{CheckControls}:4: unknown check id 'aws.fake.nonexistent_check'", e.Problems);
    }

    [Fact]
    public void Load_DuplicateRow_NamesBothLines()
    {
        WriteRows("aws.test.encrypted,A.8.24,ok", "aws.test.named,A.5.9,ok", "aws.test.encrypted,A.8.24,again");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{CheckControls}:4: duplicate row 'aws.test.encrypted,A.8.24' (first at line 2)", e.Problems);
    }

    [Fact]
    public void Load_EmptyRationale_NamesFileAndLine()
    {
        WriteRows("aws.test.encrypted,A.8.24,", "aws.test.named,A.5.9,ok");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{CheckControls}:2: empty rationale for 'aws.test.encrypted' -> 'A.8.24'", e.Problems);
    }

    [Fact]
    public void Load_BuiltInCheckWithoutRow_NamesFileAndCheck()
    {
        WriteRows("aws.test.encrypted,A.8.24,ok");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains(e.Problems, p => p.StartsWith($"{CheckControls}: built-in check 'aws.test.named' has no control", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RuleTableUnknownControl_NamesFileAndLine()
    {
        var rules = Path.Combine(_root, "iso27001-2022", "test-rules.csv");
        File.WriteAllText(rules, "rule_identifier,control_id,rationale\nRULE_ONE,A.8.9,ok\nRULE_TWO,A.4.1,bad\n");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{rules}:3: unknown control id 'A.4.1'", e.Problems);
    }

    [Fact]
    public void Load_RuleNamesWithSingleInnerSpaces_AreAccepted_ButNotRunsOfBlanks()
    {
        // Custom Azure Policy definitions are named by people ("deny public storage").
        var rules = Path.Combine(_root, "iso27001-2022", "test-rules.csv");
        File.WriteAllText(rules, "rule_identifier,control_id,rationale\ndeny public storage,A.8.3,custom definition\n");
        var table = MappingTable.Load(_root, [Encrypted, Named, Rules]);
        Assert.Equal(["A.8.3"], table.ControlsFor(Rules, "deny public storage"));

        File.WriteAllText(rules, "rule_identifier,control_id,rationale\ndeny  public,A.8.3,two spaces\ndeny\tpublic,A.8.3,a tab\n");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{rules}:2: malformed rule identifier 'deny  public'", e.Problems);
        Assert.Contains($"{rules}:3: malformed rule identifier 'deny\tpublic'", e.Problems);
    }

    [Fact]
    public void Load_DuplicateControlInCatalogue_NamesLine()
    {
        var annex = Path.Combine(_root, "iso27001-2022", "annex-a.csv");
        File.AppendAllText(annex, "A.8.24,Technological,Use of cryptography again\n");
        var e = Assert.Throws<MappingValidationException>(() => MappingTable.Load(_root, [Encrypted, Named, Rules]));
        Assert.Contains($"{annex}:95: duplicate control 'A.8.24'", e.Problems);
    }

    [Fact]
    public void Load_QuotedRationaleWithComma_IsOneField()
    {
        WriteRows("aws.test.encrypted,A.8.24,\"Encryption, at rest\"", "aws.test.named,A.5.9,ok");
        var table = MappingTable.Load(_root, [Encrypted, Named, Rules]);
        Assert.Equal("Encryption, at rest", table.CheckRows[0].Rationale);
    }

    [Fact]
    public void AutomatedControls_StaticAndRuleTables_Counted()
    {
        var table = MappingTable.Load(_root, [Encrypted, Named, Rules]);
        Assert.Equal(["A.5.9", "A.8.24", "A.8.9"], table.AutomatedControls([Encrypted, Named, Rules]).Order(StringComparer.Ordinal));
    }

    private void WriteRows(params string[] rows) =>
        File.WriteAllText(CheckControls, "check_id,control_id,rationale\n" + string.Join("\n", rows) + "\n");

    internal static string RepositoryMappings()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "mappings", "iso27001-2022");
            if (File.Exists(Path.Combine(candidate, "annex-a.csv")) && File.Exists(Path.Combine(dir.FullName, "EvidenceCollector.sln")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("mappings/iso27001-2022 not found");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
