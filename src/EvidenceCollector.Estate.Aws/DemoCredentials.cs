namespace EvidenceCollector.Estate.Aws;

/// <summary>The fixed dummy long-term credentials of the estate's management account (root).</summary>
public static class DemoCredentials
{
    public const string AccessKeyId = "AKIAEVIDENCEDEMO0001";
    public const string SecretAccessKey = "evidence/demo/0000000000000000000000000000";
}
