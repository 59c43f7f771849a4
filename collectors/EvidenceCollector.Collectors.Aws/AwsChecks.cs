using EvidenceCollector.Checks;
using EvidenceCollector.Model;
using EvidenceCollector.Providers;

namespace EvidenceCollector.Collectors.Aws;

/// <summary>Every built-in AWS check (discovered in this assembly, ordered by id), for registration, the mapping validator and the tests.</summary>
public static class AwsChecks
{
    public static IReadOnlyList<ICheck> All { get; } = CheckDiscovery.Discover(typeof(AwsChecks).Assembly, Provider.Aws);
}
