using System.Collections.Concurrent;
using System.Security.Cryptography;
using EvidenceCollector.Estate.Aws.Protocol;

namespace EvidenceCollector.Estate.Aws;

/// <summary>The little mutable state of a running estate: issued sessions and credential reports.</summary>
internal sealed class EstateState(EstateDefinition estate)
{
    private readonly ConcurrentDictionary<string, Caller> _keys = new(StringComparer.Ordinal)
    {
        [DemoCredentials.AccessKeyId] = new Caller(estate.ManagementAccountId, $"arn:aws:iam::{estate.ManagementAccountId}:root",
            estate.ManagementAccountId, DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey, null, null),
    };
    private readonly ConcurrentDictionary<string, DateTimeOffset> _reports = new(StringComparer.Ordinal);

    public EstateDefinition Estate { get; } = estate;

    public Caller? FindKey(string accessKeyId) => _keys.TryGetValue(accessKeyId, out var c) ? c : null;

    public Caller IssueSession(string accountId, string arn, string userId, DateTimeOffset expiration)
    {
        var caller = new Caller(accountId, arn, userId, "ASIA" + RandomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
            RandomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            "IQoJb3JpZ2luX2VjE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)), expiration);
        _keys[caller.AccessKeyId] = caller;
        return caller;
    }

    /// <summary>Starts a credential report; true when one was already started (answer COMPLETE).</summary>
    public bool StartCredentialReport(string accountId, DateTimeOffset now) => !_reports.TryAdd(accountId, now);

    public DateTimeOffset? CredentialReportStarted(string accountId) => _reports.TryGetValue(accountId, out var t) ? t : null;

    private static string RandomString(int length, string alphabet) =>
        string.Create(length, alphabet, (span, a) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
            }
        });
}
