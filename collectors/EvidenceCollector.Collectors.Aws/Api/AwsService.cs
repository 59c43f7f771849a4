namespace EvidenceCollector.Collectors.Aws.Api;

public enum AwsProtocol
{
    /// <summary>AWS Query: form POST, XML answers (IAM, RDS).</summary>
    Query,

    /// <summary>JSON 1.1 with <c>X-Amz-Target</c> (Config, CloudTrail, Organizations, CloudWatch Logs).</summary>
    Json,

    /// <summary>REST-XML (S3 Control).</summary>
    RestXml,

    /// <summary>Served by an AWSSDK package; only endpoint resolution is shared.</summary>
    Sdk,
}

/// <summary>
/// How to reach one AWS service: its signing name, the id of its <c>AWS_ENDPOINT_URL_&lt;ID&gt;</c> variable,
/// its protocol, and its default endpoint. Global services sign for us-east-1.
/// </summary>
public sealed record AwsService(
    string Key,
    string SigningName,
    string EndpointId,
    AwsProtocol Protocol,
    string? ApiVersion,
    string? TargetPrefix,
    bool Global,
    Func<string, string> DefaultHost)
{
    public const string GlobalSigningRegion = "us-east-1";

    public string SigningRegion(string region) => Global ? GlobalSigningRegion : region;

    public static readonly AwsService Iam = new("iam", "iam", "IAM", AwsProtocol.Query, "2010-05-08", null, true, _ => "iam.amazonaws.com");

    public static readonly AwsService Rds = new("rds", "rds", "RDS", AwsProtocol.Query, "2014-10-31", null, false, r => $"rds.{r}.amazonaws.com");

    public static readonly AwsService Config = new("config", "config", "CONFIG_SERVICE", AwsProtocol.Json, null, "StarlingDoveService", false, r => $"config.{r}.amazonaws.com");

    public static readonly AwsService CloudTrail = new("cloudtrail", "cloudtrail", "CLOUDTRAIL", AwsProtocol.Json, null, "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", false, r => $"cloudtrail.{r}.amazonaws.com");

    public static readonly AwsService Organizations = new("organizations", "organizations", "ORGANIZATIONS", AwsProtocol.Json, null, "AWSOrganizationsV20161128", true, _ => "organizations.us-east-1.amazonaws.com");

    public static readonly AwsService Logs = new("logs", "logs", "CLOUDWATCH_LOGS", AwsProtocol.Json, null, "Logs_20140328", false, r => $"logs.{r}.amazonaws.com");

    public static readonly AwsService S3Control = new("s3control", "s3", "S3_CONTROL", AwsProtocol.RestXml, null, null, false, r => $"s3-control.{r}.amazonaws.com");

    public static readonly AwsService Sts = new("sts", "sts", "STS", AwsProtocol.Sdk, null, null, false, r => $"sts.{r}.amazonaws.com");

    public static readonly AwsService S3 = new("s3", "s3", "S3", AwsProtocol.Sdk, null, null, false, r => $"s3.{r}.amazonaws.com");

    public static readonly AwsService Kms = new("kms", "kms", "KMS", AwsProtocol.Sdk, null, null, false, r => $"kms.{r}.amazonaws.com");

    public static readonly AwsService Ec2 = new("ec2", "ec2", "EC2", AwsProtocol.Sdk, null, null, false, r => $"ec2.{r}.amazonaws.com");
}
