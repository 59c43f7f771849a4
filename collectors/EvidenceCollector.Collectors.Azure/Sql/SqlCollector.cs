using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Azure.Api;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Azure.Sql;

/// <summary>
/// The subscription's logical SQL servers, each with its auditing policy, Entra administrators and firewall rules
/// (<c>related.*</c>), and every server's databases, each with its transparent data encryption and auditing policy.
/// A database list that fails is an error for that server's databases only.
/// </summary>
public sealed class SqlCollector(ArmReader reader) : ICollector
{
    public const string ApiVersion = "2021-11-01";

    public CollectorDescriptor Descriptor { get; } = new(Provider.Azure, "azure.sql", "sql", true, [AzureKinds.SqlServer, AzureKinds.SqlDatabase]);

    public async Task<CollectionResult> CollectAsync(CollectionContext context, CancellationToken cancellationToken)
    {
        var result = new CollectionResult(context.Emit, context.WaitForRoom);
        var servers = await ArmLists.CollectAsync(reader, result, AzureKinds.SqlServer, "Microsoft.Sql", $"/subscriptions/{context.Target.Account}/providers/Microsoft.Sql/servers", ApiVersion, cancellationToken,
            async (server, ct) =>
            {
                await ArmLists.RelateAsync(reader, server, "auditingSettings", $"{server.Id}/auditingSettings/default", ApiVersion, list: false, ct).ConfigureAwait(false);
                await ArmLists.RelateAsync(reader, server, "administrators", $"{server.Id}/administrators", ApiVersion, list: true, ct).ConfigureAwait(false);
                await ArmLists.RelateAsync(reader, server, "firewallRules", $"{server.Id}/firewallRules", ApiVersion, list: true, ct).ConfigureAwait(false);
            }, dependentKinds: [AzureKinds.SqlDatabase]).ConfigureAwait(false);

        // Every server's databases at once (each list a section of its own), within the shared send path's limits.
        var parts = servers.Select(_ => result.Child()).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, servers.Count), new ParallelOptions { MaxDegreeOfParallelism = ArmLists.RelatedConcurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var server = servers[i];
            await ArmLists.CollectAsync(reader, parts[i], AzureKinds.SqlDatabase, "Microsoft.Sql", $"{server}/databases", ApiVersion, ct,
                async (database, token) =>
                {
                    await ArmLists.RelateAsync(reader, database, "transparentDataEncryption", $"{database.Id}/transparentDataEncryption", ApiVersion, list: true, token).ConfigureAwait(false);
                    await ArmLists.RelateAsync(reader, database, "auditingSettings", $"{database.Id}/auditingSettings/default", ApiVersion, list: false, token).ConfigureAwait(false);
                }, parentId: server).ConfigureAwait(false);
        }).ConfigureAwait(false);
        foreach (var part in parts)
        {
            result.Records.AddRange(part.Records);
            result.Errors.AddRange(part.Errors);
            result.NotApplicable.AddRange(part.NotApplicable);
        }

        return result;
    }
}
