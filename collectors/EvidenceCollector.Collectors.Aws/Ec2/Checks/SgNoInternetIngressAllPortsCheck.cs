using System.Text.Json;
using EvidenceCollector.Checks;
using EvidenceCollector.Collectors.Aws.Checks;
using EvidenceCollector.Collectors.Common.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Ec2.Checks;

public sealed class SgNoInternetIngressAllPortsCheck : ICheck
{
    public CheckMetadata Metadata { get; } = Rules.Meta("aws.ec2.sg_no_internet_ingress_all_ports", "Security groups do not open all ports to the internet", Severity.Critical,
        "All traffic from anywhere removes network filtering altogether.", "Replace the rule by the specific ports and sources needed.");

    public IEnumerable<CheckResult> Evaluate(CheckInput input) => Rules.Ingress(input, Rules.AllTraffic, "all ports");
}
