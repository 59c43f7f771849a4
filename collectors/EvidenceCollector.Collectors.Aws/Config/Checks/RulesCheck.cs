using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Config.Checks;

/// <summary>
/// One finding per (Config rule, evaluated resource) from the rule evaluations AWS Config already made; its
/// check id is <c>aws.config.rule.&lt;SourceIdentifier&gt;</c> (AWS managed) or <c>aws.config.rule.custom.&lt;name&gt;</c>,
/// mapped through the <c>aws-config-rules</c> table. A result is evidence only while it is current: a rule that
/// never evaluated, whose last evaluation failed, that has only INSUFFICIENT_DATA, or whose results are stale
/// (the region's recorder stopped or failing; a periodic rule whose last successful evaluation is older than the
/// recorded <c>EvaluationPolicy</c>, measured from the answer time <c>collectedAt</c>) gives <c>error</c>
/// findings, never a pass. A change-triggered rule's old result for an unchanged resource is not stale by itself:
/// it stays current while the recorder records. Resource ids are the ARNs the native checks use
/// (<see cref="AwsArn.ForConfigResource"/>).
/// </summary>
public sealed class RulesCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.config.rules", "AWS Config rule evaluations", Severity.Medium, "AwsConfigRule",
        "AWS Config rules the organisation deployed are evidence of the controls they test; their results are reported per rule and resource.",
        "Remediate the non-compliant resources as the rule's documentation describes.",
        [AwsKinds.ConfigRule], DynamicMapping: "aws-config-rules", ItemByItem: true);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        foreach (var item in input.OfKind(AwsKinds.ConfigRule))
        {
            var rule = item.Payload.Prop("ConfigRule") ?? default;
            var name = rule.Str("ConfigRuleName") ?? item.ResourceId;
            var source = rule.Prop("Source") ?? default;
            var managed = source.Str("Owner") == "AWS" && source.Str("SourceIdentifier") is { Length: > 0 };
            var key = managed ? source.Str("SourceIdentifier")! : name;
            var checkId = managed ? $"aws.config.rule.{key}" : $"aws.config.rule.custom.{name}";
            var title = $"AWS Config rule {name}";
            CheckResult Tag(CheckResult r) => r with { CheckId = checkId, Title = title, MappingKey = key };

            if (item.Payload.SectionError("Evaluations") is { } error)
            {
                yield return Tag(CheckResult.Error(item, $"rule {name}: evaluations could not be read: {error}"));
                continue;
            }

            // Why this rule's results cannot be taken as current evidence (null: they can).
            var notCurrent = NotCurrent(item, rule, name);
            var results = item.Payload.Path("Evaluations").GetValueOrDefault().Array("EvaluationResults").ToList();
            if (results.Count == 0)
            {
                var compliance = item.Payload.Path("Compliance", "Compliance")?.Str("ComplianceType");
                yield return Tag(notCurrent is not null
                    ? CheckResult.Error(item, $"rule {name}: {notCurrent}")
                    : compliance == "NOT_APPLICABLE"
                        ? CheckResult.NotApplicable(item, $"rule {name}: no resource in its scope (NOT_APPLICABLE)")
                        : CheckResult.Error(item, $"rule {name}: no evaluation result ({compliance ?? "never evaluated"}): not a conclusion"));
                continue;
            }

            foreach (var result in results)
            {
                var qualifier = result.Path("EvaluationResultIdentifier", "EvaluationResultQualifier") ?? default;
                var resourceType = qualifier.Str("ResourceType") ?? string.Empty;
                var configId = qualifier.Str("ResourceId");
                var resourceId = configId is null ? item.ResourceId : AwsArn.ForConfigResource(resourceType, configId, item.Region, input.Account) ?? configId;
                var type = result.Str("ComplianceType");
                var status = type switch
                {
                    "COMPLIANT" => FindingStatus.Pass,
                    "NON_COMPLIANT" => FindingStatus.Fail,
                    "NOT_APPLICABLE" => FindingStatus.NotApplicable,
                    _ => FindingStatus.Error,
                };
                var message = $"rule {name}: {resourceType} {configId ?? resourceId} is {type ?? "of unknown compliance"}" + (result.Str("Annotation") is { } a ? $" ({a})" : string.Empty);
                if (notCurrent is not null)
                {
                    // A stale or failed rule proves nothing about now, either way: the recorded result is in the message.
                    status = FindingStatus.Error;
                    message = $"{message}, but {notCurrent}";
                }

                yield return Tag(new CheckResult(resourceId, item.Region, status, message, [item.Hash]));
            }
        }
    }

    /// <summary>Null when the rule's results are current; otherwise why not (the word "stale" leads when they are stale).</summary>
    private static string? NotCurrent(EvidenceItem item, JsonElement rule, string name)
    {
        if (item.Payload.SectionError("EvaluationStatus") is { } statusError)
        {
            return $"its evaluation status could not be read ({statusError})";
        }

        if (item.Payload.SectionError("RecorderStatus") is { } recorderError)
        {
            return $"the region's recorder status could not be read ({recorderError})";
        }

        if (item.Payload.Prop("EvaluationStatus") is not { ValueKind: JsonValueKind.Object } status
            || item.Payload.Prop("RecorderStatus") is not { ValueKind: JsonValueKind.Object } recorder
            || CheckSupport.Time(item.Payload.Str("collectedAt")) is not { } collectedAt)
        {
            return "evidence incomplete: the evaluation status, recorder status or answer time is missing";
        }

        var recorders = recorder.Array("ConfigurationRecordersStatus").ToList();
        if (!recorders.Any(r => r.Bool("recording") == true && !string.Equals(r.Str("lastStatus"), "FAILURE", StringComparison.OrdinalIgnoreCase)))
        {
            return "stale: the region's configuration recorder is stopped or failing, so Config no longer sees changes";
        }

        // AWS reports no evaluation status for custom Lambda rules: their results stand on the recorder alone.
        if (status.Bool("Reported") == false)
        {
            return null;
        }

        var success = Epoch(status.Prop("LastSuccessfulEvaluationTime"));
        if (status.Bool("FirstEvaluationStarted") == false || success is null)
        {
            return "Config has never finished evaluating it";
        }

        if (Epoch(status.Prop("LastFailedEvaluationTime")) is { } failed && failed > success)
        {
            return $"its last evaluation failed at {failed.ToWire()} ({status.Str("LastErrorCode") ?? "no error code"}: {status.Str("LastErrorMessage") ?? "no message"})";
        }

        var periodic = rule.Str("MaximumExecutionFrequency") is { Length: > 0 }
            || (rule.Path("Source") ?? default).Array("SourceDetails").Any(d => d.Str("MessageType") == "ScheduledNotification");
        var maxAge = (item.Payload.Path("EvaluationPolicy")?.Prop("MaxEvaluationAgeSeconds") is { ValueKind: JsonValueKind.Number } n) ? TimeSpan.FromSeconds(n.GetDouble()) : TimeSpan.FromDays(7);
        if (periodic && collectedAt - success.Value > maxAge)
        {
            return $"stale: last successful evaluation {success.Value.ToWire()} is older than {maxAge.TotalDays:0.#} days";
        }

        return null;
    }

    /// <summary>A JSON 1.1 timestamp (epoch seconds) or an RFC 3339 text.</summary>
    private static DateTimeOffset? Epoch(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } n => DateTimeOffset.FromUnixTimeMilliseconds((long)(n.GetDouble() * 1000)),
        { ValueKind: JsonValueKind.String } s => CheckSupport.Time(s.GetString()),
        _ => null,
    };
}
