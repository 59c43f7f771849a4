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
    public void Pipeline_TakesNoConcreteStore_OnlyTheStoreInterfaces()
    {
        var pipeline = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "EvidenceCollector.Pipeline.dll"));
        var store = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "EvidenceCollector.Store.dll"));
        var concrete = store.GetTypes().Where(t => t.IsClass && t.GetInterfaces().Any(i => i.Name is "IEvidenceWriter" or "IEvidenceReadModel" or "ISealedRunSource")).ToList();
        Assert.NotEmpty(concrete);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var uses = new List<string>();
        foreach (var type in pipeline.GetTypes())
        {
            var types = type.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => (Where: $"{type.Name} constructor", p.ParameterType)))
                .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => (Where: $"{type.Name}.{m.Name}", p.ParameterType)).Append(($"{type.Name}.{m.Name} returns", m.ReturnType))))
                .Concat(type.GetFields(all).Select(f => ($"{type.Name}.{f.Name}", f.FieldType)))
                .Concat(type.GetProperties(all).Select(p => ($"{type.Name}.{p.Name}", p.PropertyType)));
            uses.AddRange(types.Where(t => concrete.Contains(t.Item2)).Select(t => $"{t.Item1}: {t.Item2.Name}"));
        }

        Assert.Empty(uses);
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
        var root = Repo.Root();
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
        var estates = Directory.GetDirectories(Path.Combine(root, "src"), "EvidenceCollector.Estate*").Select(Path.GetFileName).ToList();
        Assert.Contains("EvidenceCollector.Estate.Aws", estates);
        Assert.Contains("EvidenceCollector.Estate.Azure", estates);
        foreach (var estate in estates)
        {
            var text = File.ReadAllText(Path.Combine(root, "src", estate!, estate + ".csproj"));
            Assert.DoesNotContain("collectors/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("AWSSDK", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Azure.", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SourceProjects_OnlyTheExecutableReferencesCollectorsOrSdks()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(Repo.Root(), "src"), "*.csproj", SearchOption.AllDirectories).ToList();
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
