using EvidenceCollector.Estate.Protocol;

namespace EvidenceCollector.Estate.Services;

internal sealed class RdsService : EstateService
{
    public override string Name => "rds";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override AwsResponse Handle(AwsRequest r) => throw UnknownOperation(r.Operation);
}
