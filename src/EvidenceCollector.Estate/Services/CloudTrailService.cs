using EvidenceCollector.Estate.Protocol;

namespace EvidenceCollector.Estate.Services;

internal sealed class CloudTrailService(EstateState state) : EstateService
{
    public override string Name => "cloudtrail";
    public override WireProtocol Protocol => WireProtocol.Json;
    public EstateState State => state;
    public override AwsResponse Handle(AwsRequest r) => throw UnknownOperation(r.Operation);
}
