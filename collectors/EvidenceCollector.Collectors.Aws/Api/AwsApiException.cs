using System.Net;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>An AWS error answer (or a transport failure / unparseable answer) of one operation.</summary>
public sealed class AwsApiException : Exception
{
    public const string MalformedResponse = "MalformedResponse";
    public const string TransportError = "TransportError";

    public AwsApiException(AwsOperation operation, string code, string message, HttpStatusCode? status, string? requestId, Exception? inner = null)
        : base($"{code}: {message}", inner)
    {
        Operation = operation;
        Code = code;
        AwsMessage = message;
        Status = status;
        RequestId = requestId;
    }

    public AwsOperation Operation { get; }

    public string Code { get; }

    public string AwsMessage { get; }

    public HttpStatusCode? Status { get; }

    public string? RequestId { get; }

    public bool IsTransient => AwsRetry.IsTransient(Code, Status);
}
