using EvidenceCollector.Estate.Protocol;

namespace EvidenceCollector.Estate.Services;

internal sealed class KmsService : EstateService
{
    public override string Name => "kms";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override AwsResponse Handle(AwsRequest r) => throw UnknownOperation(r.Operation);
}
