using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class SgNoInternetIngressRdpCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.sg_no_internet_ingress_rdp", "Security groups do not open RDP (3389) to the internet", Severity.High,
        "RDP open to the internet is a leading ransomware entry point.", "Restrict port 3389 to known ranges or use Fleet Manager / a bastion.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => Rules.Ingress(input, p => Rules.Covers(p, 3389, udpToo: true), "port 3389");
}
