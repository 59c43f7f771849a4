using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Config.Checks;

public sealed class GlobalResourcesRecordedCheck : ICheck
{
    public CheckMetadata Metadata { get; } = new(
        Provider.Aws,
        "aws.config.global_resources_recorded", "Some region records global resources (IAM)", Severity.Medium, "AwsAccount",
        "IAM users, roles and policies are global resources: one region's recorder must include them.",
        "Set recordingGroup.includeGlobalResourceTypes on the recorder of one region.", [AwsKinds.ConfigRecorders]);

    public IEnumerable<CheckResult> Evaluate(CheckInput input)
    {
        var items = input.OfKind(AwsKinds.ConfigRecorders).ToList();
        if (items.Count == 0)
        {
            yield break;
        }

        var id = AwsArn.AccountRoot(input.Account);
        var good = items.Where(i => i.Payload.SectionError("Status") is null
            && i.Payload.Array("ConfigurationRecorders").Any(r => r.Prop("recordingGroup") is { } g && g.Bool("includeGlobalResourceTypes") == true)
            && i.Payload.Path("Status").GetValueOrDefault().Array("ConfigurationRecordersStatus").Any(s => s.Bool("recording") == true)).ToList();
        if (good.Count > 0)
        {
            yield return EvidenceChecks.Result(id, Target.Global, FindingStatus.Pass, $"global resources recorded in {good[0].Region}", good);
        }
        else if (items.Any(i => i.Payload.SectionError("Status") is not null))
        {
            yield return EvidenceChecks.Result(id, Target.Global, FindingStatus.Error, "some recorder status could not be read", items);
        }
        else
        {
            yield return EvidenceChecks.Result(id, Target.Global, FindingStatus.Fail, "no recording region includes global resource types", items);
        }
    }
}
