using System.Text.Json;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Tests.Support;

namespace EvidenceCollector.Collectors.Aws.Tests;

/// <summary>Every operation the code can issue (the registry all clients go through) is in the shipped policy, and read-only.</summary>
public sealed class LeastPrivilegeTests
{
    private static readonly string[] ReadOnlyVerbs = ["List", "Get", "Describe"];

    private static HashSet<string> PolicyActions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "deploy", "aws", "evidence-collector-policy.json")));
        var actions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in doc.RootElement.GetProperty("Statement").EnumerateArray())
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            foreach (var action in statement.GetProperty("Action").EnumerateArray())
            {
                actions.Add(action.GetString()!);
            }
        }

        return actions;
    }

    [Fact]
    public void Policy_EveryOperationTheCodeCanCall_IsAllowed()
    {
        var actions = PolicyActions();

        Assert.NotEmpty(AwsOperations.All);
        Assert.All(AwsOperations.All, op => Assert.Contains(op.IamAction, actions));
    }

    [Fact]
    public void Policy_EveryAction_IsReadOnlyAndUsed()
    {
        var used = AwsOperations.All.Select(o => o.IamAction).ToHashSet(StringComparer.Ordinal);

        Assert.All(PolicyActions(), action =>
        {
            Assert.DoesNotContain("*", action, StringComparison.Ordinal);
            var verb = action.Split(':')[1];
            Assert.True(ReadOnlyVerbs.Any(v => verb.StartsWith(v, StringComparison.Ordinal)) || action is "iam:GenerateCredentialReport" or "sts:AssumeRole", $"{action} is not read-only");
            Assert.Contains(action, used);
        });
    }

    [Theory]
    [InlineData("ListBuckets", "s3:ListAllMyBuckets")]
    [InlineData("GetBucketEncryption", "s3:GetEncryptionConfiguration")]
    [InlineData("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration")]
    public void Registry_S3OperationsWithDifferentActionNames_UseServiceAuthorizationNames(string operation, string action)
    {
        Assert.Equal(action, AwsOperations.All.Single(o => o.Service == "s3" && o.Name == operation).IamAction);
        Assert.Equal("s3:GetAccountPublicAccessBlock", AwsOperations.S3ControlGetPublicAccessBlock.IamAction);
    }
}
