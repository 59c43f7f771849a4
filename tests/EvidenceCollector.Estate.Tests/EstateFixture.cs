using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

/// <summary>One demo estate server shared by the read-only tests of a class.</summary>
public sealed class EstateFixture : IAsyncLifetime
{
    public EstateServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await EstateServer.StartAsync(EstateDefinition.Demo());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class Demo
{
    public const string Management = "210987654321";
    public const string Prod = "345678901234";
    public const string Dev = "456789012345";
}
