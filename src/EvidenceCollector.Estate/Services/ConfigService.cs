using EvidenceCollector.Estate.Protocol;

namespace EvidenceCollector.Estate.Services;

internal sealed class ConfigService : EstateService
{
    public override string Name => "config";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override AwsResponse Handle(AwsRequest r) => throw UnknownOperation(r.Operation);
}
