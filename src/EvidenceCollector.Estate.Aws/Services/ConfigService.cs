using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>AWS Config (JSON 1.1, StarlingDoveService): recorders, delivery channels, rules and compliance.</summary>
internal sealed class ConfigService : EstateService
{
    public override string Name => "config";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override string TargetPrefix => "StarlingDoveService";

    public override AwsResponse Handle(AwsRequest r) => r.Operation switch
    {
        "DescribeConfigurationRecorders" => DescribeRecorders(r),
        "DescribeConfigurationRecorderStatus" => DescribeRecorderStatus(r),
        "DescribeDeliveryChannels" => DescribeDeliveryChannels(r),
        "DescribeConfigRules" => DescribeConfigRules(r),
        "DescribeComplianceByConfigRule" => DescribeComplianceByConfigRule(r),
        "GetComplianceDetailsByConfigRule" => GetComplianceDetails(r),
        "DescribeConfigRuleEvaluationStatus" => DescribeConfigRuleEvaluationStatus(r),
        _ => throw UnknownOperation(r.Operation),
    };

    private static EstateConfig Config(AwsRequest r) => r.Account.Region(r.Region).Config ?? new EstateConfig();

    private static List<EstateConfigRecorder> Recorders(AwsRequest r)
    {
        var recorder = Config(r).Recorder;
        var names = r.JsonStrings("ConfigurationRecorderNames");
        foreach (var n in names.Where(n => recorder?.Name != n))
        {
            throw new AwsError("NoSuchConfigurationRecorderException", $"Cannot find configuration recorder with the specified name '{n}'.");
        }
        return recorder is null ? [] : [recorder];
    }

    private static string RecorderArn(AwsRequest r, EstateConfigRecorder c) =>
        $"arn:aws:config:{r.Region}:{r.Account.Id}:configuration-recorder/{c.Name}/{StsService.Stable(r.Account.Id + r.Region, 16).ToLowerInvariant()}";

    private AwsResponse DescribeRecorders(AwsRequest r) => Json(r, Obj(("ConfigurationRecorders", Arr(Recorders(r).Select(c => Obj(
        ("arn", RecorderArn(r, c)),
        ("name", c.Name),
        ("roleARN", c.RoleArn ?? $"arn:aws:iam::{r.Account.Id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
        ("recordingGroup", Obj(
            ("allSupported", c.AllSupported),
            ("includeGlobalResourceTypes", c.IncludeGlobalResourceTypes),
            ("resourceTypes", Arr(c.ResourceTypes.Select(t => (System.Text.Json.Nodes.JsonNode?)t))),
            ("exclusionByResourceTypes", Obj(("resourceTypes", Arr([])))),
            ("recordingStrategy", Obj(("useOnly", c.AllSupported ? "ALL_SUPPORTED_RESOURCE_TYPES" : "INCLUSION_BY_RESOURCE_TYPES"))))),
        ("recordingMode", Obj(("recordingFrequency", "CONTINUOUS"), ("recordingModeOverrides", Arr([])))),
        ("recordingScope", "PAID")))))));

    private AwsResponse DescribeRecorderStatus(AwsRequest r) => Json(r, Obj(("ConfigurationRecordersStatus", Arr(Recorders(r).Select(c => Obj(
        ("arn", RecorderArn(r, c)),
        ("name", c.Name),
        ("lastStartTime", Epoch(c.LastStartTime)),
        ("lastStopTime", c.Recording ? null : Epoch(c.LastStartTime.AddDays(30))),
        ("recording", c.Recording),
        ("lastStatus", c.LastStatus),
        ("lastErrorCode", c.LastStatus == "Failure" ? "NoAvailableDeliveryChannelException" : null),
        ("lastErrorMessage", c.LastStatus == "Failure" ? "There is no delivery channel available to record configurations." : null),
        ("lastStatusChangeTime", Epoch(c.LastStartTime))))))));

    private AwsResponse DescribeDeliveryChannels(AwsRequest r)
    {
        var channel = Config(r).DeliveryChannel;
        foreach (var n in r.JsonStrings("DeliveryChannelNames").Where(n => channel?.Name != n))
        {
            throw new AwsError("NoSuchDeliveryChannelException", $"Cannot find delivery channel with specified name '{n}'.");
        }
        return Json(r, Obj(("DeliveryChannels", Arr(channel is null ? [] : [Obj(
            ("name", channel.Name),
            ("s3BucketName", channel.S3BucketName),
            ("s3KeyPrefix", channel.S3KeyPrefix),
            ("s3KmsKeyArn", channel.S3KmsKeyArn),
            ("snsTopicARN", channel.SnsTopicArn),
            ("configSnapshotDeliveryProperties", Obj(("deliveryFrequency", channel.DeliveryFrequency))))]))));
    }

    private static List<EstateConfigRule> Rules(AwsRequest r)
    {
        var rules = Config(r).Rules;
        var names = r.JsonStrings("ConfigRuleNames");
        foreach (var n in names.Where(n => !rules.Any(x => x.Name == n)))
        {
            throw new AwsError("NoSuchConfigRuleException", $"The ConfigRule '{n}' provided in the request is invalid. Please check the configRule name.");
        }
        return names.Count == 0 ? rules : [.. rules.Where(x => names.Contains(x.Name))];
    }

    private static string RuleId(AwsRequest r, EstateConfigRule rule) => "config-rule-" + StsService.Stable(r.Account.Id + r.Region + rule.Name, 6).ToLowerInvariant();

    private AwsResponse DescribeConfigRules(AwsRequest r)
    {
        var (page, next) = Page(r, Rules(r), r.JsonString("NextToken"), null);
        return Json(r, Obj(
            ("ConfigRules", Arr(page.Select(rule => Obj(
                ("ConfigRuleName", rule.Name),
                ("ConfigRuleArn", $"arn:aws:config:{r.Region}:{r.Account.Id}:config-rule/{RuleId(r, rule)}"),
                ("ConfigRuleId", RuleId(r, rule)),
                ("Description", rule.Description),
                ("Scope", rule.ResourceTypes.Count == 0 ? null : Obj(("ComplianceResourceTypes", Arr(rule.ResourceTypes.Select(t => (System.Text.Json.Nodes.JsonNode?)t))))),
                ("Source", Obj(
                    ("Owner", rule.Owner),
                    ("SourceIdentifier", rule.SourceIdentifier),
                    ("SourceDetails", rule.Owner == "CUSTOM_LAMBDA"
                        ? Arr([Obj(("EventSource", "aws.config"), ("MessageType", "ConfigurationItemChangeNotification"))])
                        : null))),
                ("InputParameters", rule.InputParameters ?? "{}"),
                ("MaximumExecutionFrequency", rule.MaximumExecutionFrequency),
                ("ConfigRuleState", rule.State),
                ("EvaluationModes", Arr([Obj(("Mode", "DETECTIVE"))])))))),
            ("NextToken", next)));
    }

    /// <summary>
    /// The status of managed and custom policy rules (AWS reports none for custom Lambda rules): times relative
    /// to the request, epoch seconds as JSON 1.1 writes them.
    /// </summary>
    private AwsResponse DescribeConfigRuleEvaluationStatus(AwsRequest r)
    {
        var limit = r.JsonInt("Limit");
        if (limit is < 0 or > 50)
        {
            throw new AwsError("InvalidParameterValueException", $"The Limit value {limit} is out of range. Valid values are 0 to 50.");
        }

        var rules = Rules(r).Where(x => x.Owner != "CUSTOM_LAMBDA").ToList();
        var (page, next) = Page(r, rules, r.JsonString("NextToken"), limit is 0 ? null : limit);
        return Json(r, Obj(
            ("ConfigRulesEvaluationStatus", Arr(page.Select(rule =>
            {
                var activated = r.Now.AddDays(-90);
                var success = rule.NeverEvaluated ? (DateTimeOffset?)null : r.Now.AddHours(-rule.LastEvaluationHoursAgo);
                var failed = rule.LastEvaluationFailed ? r.Now.AddMinutes(-30) : (DateTimeOffset?)null;
                return Obj(
                    ("ConfigRuleName", rule.Name),
                    ("ConfigRuleArn", $"arn:aws:config:{r.Region}:{r.Account.Id}:config-rule/{RuleId(r, rule)}"),
                    ("ConfigRuleId", RuleId(r, rule)),
                    ("LastSuccessfulInvocationTime", success is { } s1 ? Epoch(s1) : null),
                    ("LastFailedInvocationTime", failed is { } f1 ? Epoch(f1) : null),
                    ("LastSuccessfulEvaluationTime", success is { } s2 ? Epoch(s2) : null),
                    ("LastFailedEvaluationTime", failed is { } f2 ? Epoch(f2) : null),
                    ("FirstActivatedTime", Epoch(activated)),
                    ("LastErrorCode", rule.LastEvaluationFailed ? "AccessDenied" : null),
                    ("LastErrorMessage", rule.LastEvaluationFailed ? "Config could not read the resources the rule evaluates." : null),
                    ("FirstEvaluationStarted", !rule.NeverEvaluated));
            }))),
            ("NextToken", next)));
    }

    private static string RuleCompliance(EstateConfigRule rule) =>
        rule.Results.Any(x => x.Compliance == "NON_COMPLIANT") ? "NON_COMPLIANT"
        : rule.Results.Any(x => x.Compliance == "COMPLIANT") ? "COMPLIANT"
        : "INSUFFICIENT_DATA";

    private AwsResponse DescribeComplianceByConfigRule(AwsRequest r)
    {
        var types = r.JsonStrings("ComplianceTypes");
        var all = Rules(r).Where(x => types.Count == 0 || types.Contains(RuleCompliance(x))).ToList();
        var (page, next) = Page(r, all, r.JsonString("NextToken"), null);
        return Json(r, Obj(
            ("ComplianceByConfigRules", Arr(page.Select(rule =>
            {
                var compliance = RuleCompliance(rule);
                return Obj(
                    ("ConfigRuleName", rule.Name),
                    ("Compliance", Obj(
                        ("ComplianceType", compliance),
                        ("ComplianceContributorCount", compliance == "NON_COMPLIANT"
                            ? Obj(("CappedCount", rule.Results.Count(x => x.Compliance == "NON_COMPLIANT")), ("CapExceeded", false))
                            : null))));
            }))),
            ("NextToken", next)));
    }

    private AwsResponse GetComplianceDetails(AwsRequest r)
    {
        var name = r.JsonString("ConfigRuleName") ?? throw new AwsError("ValidationException", "1 validation error detected: Value null at 'configRuleName' failed to satisfy constraint: Member must not be null");
        var rule = Config(r).Rules.Find(x => x.Name == name)
            ?? throw new AwsError("NoSuchConfigRuleException", $"The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name.");
        var types = r.JsonStrings("ComplianceTypes");
        if (types.Count == 0)
        {
            types = ["COMPLIANT", "NON_COMPLIANT"];
        }
        var all = rule.Results.Where(x => types.Contains(x.Compliance)).ToList();
        var (page, next) = Page(r, all, r.JsonString("NextToken"), r.JsonInt("Limit"));
        return Json(r, Obj(
            ("EvaluationResults", Arr(page.Select(x => Obj(
                ("EvaluationResultIdentifier", Obj(
                    ("EvaluationResultQualifier", Obj(
                        ("ConfigRuleName", rule.Name), ("ResourceType", x.ResourceType), ("ResourceId", x.ResourceId), ("EvaluationMode", "DETECTIVE"))),
                    ("OrderingTimestamp", Epoch(x.RecordedTime)))),
                ("ComplianceType", x.Compliance),
                ("ResultRecordedTime", Epoch(x.RecordedTime)),
                ("ConfigRuleInvokedTime", Epoch(x.RecordedTime.AddMinutes(-1))),
                ("Annotation", x.Annotation))))),
            ("NextToken", next)));
    }
}
