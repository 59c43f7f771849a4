using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Mapping;
using EvidenceCollector.Model;
using EvidenceCollector.Pipeline;
using EvidenceCollector.Store;
using EvidenceCollector.TestHost;

namespace EvidenceCollector.Bundles.Tests;

/// <summary>A store with four sealed runs of the test provider (widgets changing between runs), and ways to export and tamper with bundles of it.</summary>
public sealed class BundleFixture : IDisposable
{
    private readonly WidgetBehaviour _behaviour = new();

    public BundleFixture()
    {
        Root = Directory.CreateTempSubdirectory("ec-bundle-").FullName;
        Mappings = TestMappings.Write(Path.Combine(Root, "mappings"), TestMappings.RepositoryMappings());
        Data = Path.Combine(Root, "data");
        for (var i = 0; i < 4; i++)
        {
            _behaviour.Widgets[("111111111111", "eu-west-1")] = new() { ["a"] = true, ["b"] = i % 2 == 0, [$"w{i}"] = true };
            _behaviour.Widgets[("111111111111", "us-east-1")] = new() { ["c"] = i < 2 };
            using var services = Services();
            using var store = EvidenceStore.OpenOrCreate(Data);
            var outcome = services.GetRequiredService<PipelineRunner>().RunAsync(store, new RunRequest(RunTrigger.OnDemand, "tester", RunScope.All), null, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Equal(RunStatus.Sealed, outcome.Status);
        }
    }

    public string Root { get; }

    public string Data { get; }

    public string Mappings { get; }

    public ServiceProvider Services() => TestPipeline.Build(_behaviour, Mappings);

    /// <summary>Exports <paramref name="request"/> (default: every run) to a new file; returns its path.</summary>
    public string Export(ExportRequest? request = null, string? name = null)
    {
        using var services = Services();
        using var store = EvidenceStore.OpenOrCreate(Data);
        var (signer, _) = SignerFactory.Resolve(store, new SigningOptions());
        var path = Path.Combine(Root, name ?? $"bundle-{Guid.NewGuid():N}.zip");
        using var file = File.Create(path);
        BundleExporter.Export(store, signer, services.GetRequiredService<MappingTable>(), Mappings, "test-1.0", request ?? new ExportRequest { Last = 10 }, file);
        return path;
    }

    public string RootKeyId()
    {
        using var store = EvidenceStore.OpenReadOnly(Data);
        return store.KeyChain()[0].KeyId;
    }

    /// <summary>A copy of a bundle with entries changed (<paramref name="change"/> returns null to drop one) and added.</summary>
    public string Tamper(string bundle, Func<string, byte[], byte[]?> change, IReadOnlyDictionary<string, byte[]>? add = null)
    {
        var path = Path.Combine(Root, $"tampered-{Guid.NewGuid():N}.zip");
        using (var source = ZipFile.OpenRead(bundle))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                var bytes = Read(entry);
                if (change(entry.FullName, bytes) is { } changed)
                {
                    Write(target, entry.FullName, changed);
                }
            }

            foreach (var (name, bytes) in add ?? new Dictionary<string, byte[]>())
            {
                Write(target, name, bytes);
            }
        }

        return path;
    }

    public static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static Dictionary<string, byte[]> Entries(string bundle)
    {
        using var zip = ZipFile.OpenRead(bundle);
        return zip.Entries.ToDictionary(e => e.FullName, Read, StringComparer.Ordinal);
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(bytes);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
