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
    public void ProviderAgnosticAssembly_ReferencesNoCloudSdk(string assembly)
    {
        var references = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, assembly + ".dll")).GetReferencedAssemblies().Select(r => r.Name!).ToList();
        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, r => r.StartsWith("AWSSDK", StringComparison.Ordinal) || r.StartsWith("Azure.", StringComparison.Ordinal) || r.StartsWith("EvidenceCollector.Collectors", StringComparison.Ordinal));
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
