using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class SgNoInternetIngressSshCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.sg_no_internet_ingress_ssh", "Security groups do not open SSH (22) to the internet", Severity.High,
        "SSH open to the internet invites brute force and exploitation of the administrative interface.", "Restrict port 22 to known ranges or use Session Manager.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => Rules.Ingress(input, p => Rules.Covers(p, 22, udpToo: false), "TCP port 22");
}
