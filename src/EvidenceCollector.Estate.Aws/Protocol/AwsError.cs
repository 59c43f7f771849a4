namespace EvidenceCollector.Estate.Aws.Protocol;

/// <summary>An AWS error answer: thrown by service handlers, rendered in the service's wire format.</summary>
internal sealed class AwsError(string code, string message, int status = 400, bool senderFault = true) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
    public bool SenderFault { get; } = senderFault;
    /// <summary>Extra top-level elements of S3 errors (e.g. BucketName).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}
