using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Iam.Checks;

/// <summary>A managed policy (of one scope) whose default version is administrator access (<see cref="Privilege"/>).</summary>
public abstract class PolicyNoAdminCheck : ICheck
{
    public abstract CheckMetadata Metadata { get; }

    protected abstract string Scope { get; }

    public IEnumerable<CheckResult> Evaluate(CheckInput input) =>
        EvidenceChecks.Each(input, AwsKinds.IamPolicy, ["PolicyVersion"], item =>
        {
            if (item.Payload.Str("Scope") != Scope)
            {
                return null;
            }

            if (item.Payload.Path("PolicyVersion", "Document") is not { } document)
            {
                return CheckResult.Error(item, "the policy version has no document");
            }

            if (!CheckSupport.HasStatements(document))
            {
                return CheckResult.Error(item, "the policy document has no readable Statement");
            }

            var admin = Privilege.DocumentAllowsAdmin(document);
            return CheckResult.Of(item, !admin, "the policy is not administrator access", "the policy allows every action on every resource (or everything but a few actions, IAM included)");
        });
}
