using System.Text.Json;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>The few AWS managed policies every estate account sees (ListPolicies Scope=AWS).</summary>
internal static class AwsManagedPolicies
{
    internal sealed record Policy(string Name, string Path, string Description, DateTimeOffset Created, JsonElement Document)
    {
        public string Arn => $"arn:aws:iam::aws:policy{Path}{Name}";
    }

    private static JsonElement Doc(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static readonly IReadOnlyList<Policy> All =
    [
        new("AdministratorAccess", "/", "Provides full access to AWS services and resources.", new(2015, 2, 6, 18, 39, 46, TimeSpan.Zero),
            Doc("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""")),
        new("AmazonS3ReadOnlyAccess", "/", "Provides read only access to all buckets via the AWS Management Console.", new(2015, 2, 6, 18, 40, 59, TimeSpan.Zero),
            Doc("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}""")),
        new("IAMUserChangePassword", "/", "Provides the ability for an IAM user to change their own password.", new(2016, 11, 15, 0, 25, 16, TimeSpan.Zero),
            Doc("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}""")),
        new("ReadOnlyAccess", "/", "Provides read-only access to AWS services and resources.", new(2015, 2, 6, 18, 39, 48, TimeSpan.Zero),
            Doc("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","iam:Get*","iam:List*","s3:Get*","s3:List*"],"Resource":"*"}]}""")),
        new("SecurityAudit", "/", "The security audit template grants access to read security configuration metadata.", new(2015, 2, 6, 18, 41, 1, TimeSpan.Zero),
            Doc("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus","config:Describe*","ec2:Describe*","iam:GenerateCredentialReport","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","logs:Describe*","rds:Describe*","s3:GetBucket*","s3:ListAllMyBuckets"],"Resource":"*"}]}""")),
    ];
}
