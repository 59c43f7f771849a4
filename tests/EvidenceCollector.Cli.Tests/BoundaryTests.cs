using System.Reflection;

namespace EvidenceCollector.Cli.Tests;

/// <summary>Cloud SDKs appear only in collectors/ and the composition root (the `evidence` executable).</summary>
public sealed class BoundaryTests
{
    [Theory]
    [InlineData("EvidenceCollector.Core")]
    [InlineData("EvidenceCollector.Store")]
    [InlineData("EvidenceCollector.Pipeline")]
    [InlineData("EvidenceCollector.Estate")]
    [InlineData("EvidenceCollector.Estate.Aws")]
    public void ProviderAgnosticAssembly_ReferencesNoCloudSdk(string assembly)
    {
        var references = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, assembly + ".dll")).GetReferencedAssemblies().Select(r => r.Name!).ToList();
        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, r => r.StartsWith("AWSSDK", StringComparison.Ordinal) || r.StartsWith("Azure.", StringComparison.Ordinal) || r.StartsWith("EvidenceCollector.Collectors", StringComparison.Ordinal));
    }

    [Fact]
    public void SharedCollectorCode_ReferencesNoCloudSdkAndNoProvider()
    {
        var references = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "EvidenceCollector.Collectors.Common.dll")).GetReferencedAssemblies().Select(r => r.Name!).ToList();
        Assert.Contains("EvidenceCollector.Core", references);
        Assert.DoesNotContain(references, r => r.StartsWith("AWSSDK", StringComparison.Ordinal) || r.StartsWith("Azure.", StringComparison.Ordinal) || r.StartsWith("EvidenceCollector.Collectors.", StringComparison.Ordinal));
    }

    [Fact]
    public void EmulatedEstate_ReferencedOnlyByTheExecutableAndTests()
    {
        var root = Root();
        foreach (var project in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "collectors"), "*.csproj", SearchOption.AllDirectories)))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            if (name is "EvidenceCollector.Cli" || name.StartsWith("EvidenceCollector.Estate", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.DoesNotContain("EvidenceCollector.Estate", File.ReadAllText(project), StringComparison.Ordinal);
        }

        // The estate references no collector either: it is an independent implementation of the wire formats.
        foreach (var estate in new[] { "EvidenceCollector.Estate", "EvidenceCollector.Estate.Aws" })
        {
            var text = File.ReadAllText(Path.Combine(root, "src", estate, estate + ".csproj"));
            Assert.DoesNotContain("collectors/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("AWSSDK", text, StringComparison.Ordinal);
        }
    }

    private static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EvidenceCollector.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return root.FullName;
    }

    [Fact]
    public void SourceProjects_OnlyTheExecutableReferencesCollectorsOrSdks()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EvidenceCollector.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var projects = Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.csproj", SearchOption.AllDirectories).ToList();
        Assert.True(projects.Count >= 5);
        foreach (var project in projects.Where(p => !p.EndsWith("EvidenceCollector.Cli.csproj", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(project);
            Assert.DoesNotContain("AWSSDK", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Azure.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("collectors/", text, StringComparison.Ordinal);
        }
    }
}
