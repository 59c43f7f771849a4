namespace EvidenceCollector.Estate;

internal static class EstateGenerator
{
    public static EstateDefinition Generate(int accounts, int regions, int resourcesPerRegion, int seed) => throw new NotImplementedException();
}
