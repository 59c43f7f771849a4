using EvidenceCollector.Estate.Protocol;

namespace EvidenceCollector.Estate.Services;

internal sealed class LogsService : EstateService
{
    public override string Name => "logs";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override AwsResponse Handle(AwsRequest r) => throw UnknownOperation(r.Operation);
}
