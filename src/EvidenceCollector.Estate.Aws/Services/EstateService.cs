using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>One emulated AWS service: its wire protocol, its error vocabulary and its operations.</summary>
internal abstract class EstateService
{
    /// <summary>Name used by stats and failure rules (the signing name; S3 Control is <c>s3control</c>).</summary>
    public abstract string Name { get; }
    public abstract WireProtocol Protocol { get; }
    /// <summary>XML namespace of Query answers and errors.</summary>
    public virtual XNamespace Namespace => XNamespace.None;
    /// <summary>JSON 1.1 X-Amz-Target prefix.</summary>
    public virtual string? TargetPrefix => null;
    /// <summary>Global services (IAM, Organizations, S3) are not gated by the account's enabled regions.</summary>
    public virtual bool Global => false;

    public abstract AwsResponse Handle(AwsRequest request);

    public virtual AwsError Throttling() => Protocol switch
    {
        WireProtocol.Ec2 => new AwsError("RequestLimitExceeded", "Request limit exceeded.", 503),
        WireProtocol.Json => new AwsError("ThrottlingException", "Rate exceeded", 400),
        WireProtocol.RestXml => new AwsError("SlowDown", "Please reduce your request rate.", 503),
        _ => new AwsError("Throttling", "Rate exceeded", 400),
    };

    public virtual AwsError AccessDenied(AwsRequest r)
    {
        var action = $"{ActionPrefix}:{r.Operation}";
        var message = $"User: {r.Caller.Arn} is not authorized to perform: {action}";
        return Protocol switch
        {
            WireProtocol.Ec2 => new AwsError("UnauthorizedOperation", "You are not authorized to perform this operation. " + message, 403),
            WireProtocol.Json => new AwsError("AccessDeniedException", message, 400),
            WireProtocol.RestXml => new AwsError("AccessDenied", "Access Denied", 403),
            _ => new AwsError("AccessDenied", message, 403),
        };
    }

    public virtual AwsError InternalError() => Protocol switch
    {
        WireProtocol.Ec2 => new AwsError("InternalError", "An internal error has occurred", 500, senderFault: false),
        WireProtocol.RestXml => new AwsError("InternalError", "We encountered an internal error. Please try again.", 500, senderFault: false),
        _ => new AwsError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500, senderFault: false),
    };

    /// <summary>What AWS answers when an account calls into a region it has not enabled.</summary>
    public AwsError RegionNotEnabled() => Protocol switch
    {
        WireProtocol.Ec2 => new AwsError("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
        WireProtocol.Json => new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
        _ => new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
    };

    public AwsError UnknownOperation(string operation) => Protocol switch
    {
        WireProtocol.Json => new AwsError("UnknownOperationException", $"The estate does not emulate {Name}:{operation}"),
        WireProtocol.RestXml => new AwsError("NotImplemented", $"The estate does not emulate {operation}", 501, senderFault: false),
        WireProtocol.Ec2 => new AwsError("InvalidAction", $"The action {operation} is not valid for this web service."),
        _ => new AwsError("InvalidAction", $"Could not find operation {operation} for version {Version}"),
    };

    protected virtual string ActionPrefix => Name;
    protected virtual string Version => "";

    /// <summary>Invalid pagination token error of this service.</summary>
    protected virtual AwsError InvalidToken(string token) => Protocol switch
    {
        WireProtocol.Json => new AwsError("InvalidNextTokenException", "The nextToken provided is invalid"),
        WireProtocol.Ec2 => new AwsError("InvalidPaginationToken", $"The pagination token '{token}' is invalid."),
        _ => new AwsError("InvalidParameterValue", $"Invalid Marker: {token}"),
    };

    protected (List<T> Page, string? Next) Page<T>(AwsRequest r, IReadOnlyList<T> all, string? token, int? requested) =>
        Paging.Page(all, token, r.Limit(requested), InvalidToken);
}
