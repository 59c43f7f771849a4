using System.Text.Json.Nodes;
using EvidenceCollector.Collection;
using EvidenceCollector.Collectors.Aws.Api;
using EvidenceCollector.Collectors.Aws.Collection;
using EvidenceCollector.Model;
using Microsoft.Extensions.Logging;

namespace EvidenceCollector.Collectors.Aws.Config;

/// <summary>
/// AWS Config per region: one <c>aws.config.recorders</c> record for the region's recorders, their status and
/// delivery channels (id <c>arn:aws:config:&lt;region&gt;:&lt;account&gt;:configuration-recorders</c>), and one
/// <c>aws.config.rule</c> record per rule with its compliance summary, its COMPLIANT / NON_COMPLIANT /
/// NOT_APPLICABLE evaluation results, its evaluation status (DescribeConfigRuleEvaluationStatus: when it
/// last evaluated successfully, or failed), the region's recorder status (a stopped or failing recorder
/// leaves change-triggered results stale), the answer time (<c>collectedAt</c>) and the freshness policy
/// applied (<c>EvaluationPolicy</c>, from <c>Aws:Config:MaxEvaluationAge</c>), so the check can judge
/// staleness without a clock.
/// </summary>
public sealed class ConfigCollector(AwsClients clients, ILogger<ConfigCollector> logger) : AwsCollectorBase(clients, logger)
{
    public override CollectorDescriptor Descriptor { get; } = new(Provider.Aws, "aws.config", "config", false, [AwsKinds.ConfigRecorders, AwsKinds.ConfigRule]);

    // A rule's record carries every evaluation (one per resource it judged), gathered over several pages.
    // Across every account and region of a run, at most Aws:ResourceConcurrency rules are gathered at once,
    // so memory follows that many rules, not the number of regions × rules.
    private readonly SemaphoreSlim _rulesGate = new(clients.Options.ResourceConcurrency, clients.Options.ResourceConcurrency);

    protected override async Task CollectAsync(AwsSession session, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        var context = session.In(region);
        var recorderStatus = await RecordersAsync(session, context, region, result, cancellationToken).ConfigureAwait(false);
        await RulesAsync(context, region, recorderStatus, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Collects the recorders' record; returns the recorder status section the rules carry too.</summary>
    private async Task<JsonObject> RecordersAsync(AwsSession session, AwsCallContext context, string region, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        AwsAnswer recorders;
        try
        {
            recorders = await api.JsonAsync(context, AwsOperations.ConfigDescribeConfigurationRecorders, null, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.ConfigRecorders));
            return AwsJson.SectionError(e);
        }

        if (recorders.Body["ConfigurationRecorders"] is not JsonArray list)
        {
            result.Errors.Add(new CollectionError([AwsKinds.ConfigRecorders], region, null, AwsApiException.MalformedResponse, "DescribeConfigurationRecorders answered without a ConfigurationRecorders list", AwsOperations.ConfigDescribeConfigurationRecorders.Name));
            return MalformedSection("DescribeConfigurationRecorders answered without a ConfigurationRecorders list");
        }

        var payload = new JsonObject { ["ConfigurationRecorders"] = list.DeepClone() };
        var at = recorders.AnsweredAt;
        var recorderStatus = await SectionAsync(async () =>
        {
            var status = await api.JsonAsync(context, AwsOperations.ConfigDescribeConfigurationRecorderStatus, null, cancellationToken).ConfigureAwait(false);
            at = status.AnsweredAt;
            return status.Body;
        }).ConfigureAwait(false);
        payload["Status"] = recorderStatus;
        payload["Delivery"] = await SectionAsync(async () =>
        {
            var channels = await api.JsonAsync(context, AwsOperations.ConfigDescribeDeliveryChannels, null, cancellationToken).ConfigureAwait(false);
            at = channels.AnsweredAt;
            return channels.Body;
        }).ConfigureAwait(false);
        var id = AwsArn.RegionalSetting("config", region, session.AccountId, "configuration-recorders");
        result.Records.Add(Record(AwsKinds.ConfigRecorders, id, region, payload, "config", recorders.Endpoint, recorders.RequestId, at,
            AwsOperations.ConfigDescribeConfigurationRecorders, AwsOperations.ConfigDescribeConfigurationRecorderStatus, AwsOperations.ConfigDescribeDeliveryChannels));
        return recorderStatus;
    }

    private static JsonObject MalformedSection(string message) =>
        new() { ["error"] = new JsonObject { ["code"] = AwsApiException.MalformedResponse, ["message"] = message } };

    private async Task RulesAsync(AwsCallContext context, string region, JsonObject recorderStatus, CollectionResult result, CancellationToken cancellationToken)
    {
        var api = Clients.Api;
        AwsListAnswer rules;
        try
        {
            rules = await api.JsonListAsync(context, AwsOperations.ConfigDescribeConfigRules, null, "ConfigRules", "NextToken", cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            result.Errors.Add(Error(e, region, null, AwsKinds.ConfigRule));
            return;
        }

        if (rules.Items.Count == 0)
        {
            return;
        }

        Dictionary<string, JsonObject>? compliance = null;
        AwsApiException? complianceError = null;
        try
        {
            var all = await api.JsonListAsync(context, AwsOperations.ConfigDescribeComplianceByConfigRule, null, "ComplianceByConfigRules", "NextToken", cancellationToken).ConfigureAwait(false);
            compliance = all.Items.OfType<JsonObject>()
                .Where(c => c["ConfigRuleName"] is not null)
                .GroupBy(c => c["ConfigRuleName"]!.GetValue<string>(), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (AwsApiException e)
        {
            complianceError = e;
        }

        // Evaluation status of every rule of the region (Config managed and custom policy rules; AWS reports
        // none for custom Lambda rules). A failure here leaves every rule's section in error: never a pass.
        Dictionary<string, JsonObject>? evaluationStatus = null;
        JsonObject? evaluationStatusError = null;
        var statusAt = rules.Last.AnsweredAt;
        try
        {
            var all = await api.JsonListAsync(context, AwsOperations.ConfigDescribeConfigRuleEvaluationStatus, new JsonObject { ["Limit"] = 50 }, "ConfigRulesEvaluationStatus", "NextToken", cancellationToken).ConfigureAwait(false);
            statusAt = all.Last.AnsweredAt;
            evaluationStatus = all.Items.OfType<JsonObject>()
                .Where(c => c["ConfigRuleName"] is not null)
                .GroupBy(c => c["ConfigRuleName"]!.GetValue<string>(), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (AwsApiException e)
        {
            evaluationStatusError = AwsJson.SectionError(e);
        }

        var policy = new JsonObject { ["MaxEvaluationAgeSeconds"] = (long)Clients.Options.Config.MaxEvaluationAge.TotalSeconds };
        await ForEachAsync(rules.Items.OfType<JsonObject>(), result, async (rule, part, token) =>
        {
            var name = rule["ConfigRuleName"]?.GetValue<string>();
            var arn = rule["ConfigRuleArn"]?.GetValue<string>();
            if (name is null || arn is null)
            {
                part.Errors.Add(new CollectionError([AwsKinds.ConfigRule], region, null, AwsApiException.MalformedResponse, "DescribeConfigRules returned a rule without a name or ARN", AwsOperations.ConfigDescribeConfigRules.Name));
                return;
            }

            var payload = new JsonObject { ["ConfigRule"] = rule.DeepClone() };
            payload["Compliance"] = complianceError is not null
                ? AwsJson.SectionError(complianceError)
                : compliance!.TryGetValue(name, out var c) ? (JsonObject)c.DeepClone() : new JsonObject();
            payload["EvaluationStatus"] = evaluationStatusError is not null
                ? evaluationStatusError.DeepClone()
                : evaluationStatus!.TryGetValue(name, out var es) ? es.DeepClone() : new JsonObject { ["Reported"] = false };
            payload["RecorderStatus"] = recorderStatus.DeepClone();
            payload["EvaluationPolicy"] = policy.DeepClone();
            payload["collectedAt"] = AwsJson.Time(statusAt);
            var at = rules.Last.AnsweredAt;
            await _rulesGate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                payload["Evaluations"] = await SectionAsync(async () =>
                {
                    var request = new JsonObject { ["ConfigRuleName"] = name, ["ComplianceTypes"] = new JsonArray("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE") };
                    var details = await api.JsonListAsync(context, AwsOperations.ConfigGetComplianceDetailsByConfigRule, request, "EvaluationResults", "NextToken", token).ConfigureAwait(false);
                    at = details.Last.AnsweredAt;
                    return new JsonObject { ["EvaluationResults"] = new JsonArray(details.Items.ToArray()) };
                }).ConfigureAwait(false);
                part.Records.Add(Record(AwsKinds.ConfigRule, arn, region, payload, "config", rules.Last.Endpoint, rules.Last.RequestId, at,
                    AwsOperations.ConfigDescribeConfigRules, AwsOperations.ConfigDescribeComplianceByConfigRule, AwsOperations.ConfigDescribeConfigRuleEvaluationStatus,
                    AwsOperations.ConfigGetComplianceDetailsByConfigRule, AwsOperations.ConfigDescribeConfigurationRecorderStatus));
            }
            finally
            {
                _rulesGate.Release();
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
