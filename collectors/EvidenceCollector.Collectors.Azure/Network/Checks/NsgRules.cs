using System.Globalization;
using System.Text.Json;

namespace EvidenceCollector.Collectors.Azure.Network.Checks;

/// <summary>
/// How an NSG treats inbound traffic from the internet: its inbound rules (custom and default) in priority order;
/// the first rule whose source is the whole internet (<c>*</c>, <c>Internet</c>, <c>Any</c>, <c>0.0.0.0/0</c>, <c>::/0</c>,
/// in <c>sourceAddressPrefix</c> or <c>sourceAddressPrefixes</c>) and whose protocol and destination ports
/// (<c>destinationPortRange</c> or <c>destinationPortRanges</c>, single ports, ranges and <c>*</c>) cover the port decides.
/// A Deny rule decides too: it shadows every Allow behind it. Outbound rules are not exposure.
/// </summary>
internal static class NsgRules
{
    private static readonly HashSet<string> Internet = new(StringComparer.OrdinalIgnoreCase) { "*", "Internet", "Any", "0.0.0.0/0", "0.0.0.0", "::/0" };

    /// <summary>The rule that lets the internet reach <paramref name="port"/> (null port: every port), or null when none does.</summary>
    public static string? Exposing(JsonElement properties, int? port, string protocol)
    {
        var rules = ArmJson.Objects(properties, "securityRules").Concat(ArmJson.Objects(properties, "defaultSecurityRules"))
            .Select(r => (Name: ArmJson.Text(r, "name") ?? "unnamed", P: ArmJson.Object(r, "properties")))
            .Where(r => string.Equals(ArmJson.Text(r.P, "direction"), "Inbound", StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => ArmJson.Number(r.P, "priority") ?? double.MaxValue);
        foreach (var (name, p) in rules)
        {
            var proto = ArmJson.Text(p, "protocol") ?? "*";
            if (proto != "*" && !proto.Equals(protocol, StringComparison.OrdinalIgnoreCase) && protocol != "*")
            {
                continue;
            }

            if (!Values(p, "sourceAddressPrefix", "sourceAddressPrefixes").Any(Internet.Contains))
            {
                continue;
            }

            var ranges = Values(p, "destinationPortRange", "destinationPortRanges").ToList();
            if (!(port is { } one ? ranges.Any(r => Covers(r, one)) : ranges.Any(All)))
            {
                continue;
            }

            return string.Equals(ArmJson.Text(p, "access"), "Allow", StringComparison.OrdinalIgnoreCase) ? $"{name} (priority {ArmJson.Text(p, "priority")})" : null;
        }

        return null;
    }

    private static IEnumerable<string> Values(JsonElement p, string single, string plural)
    {
        if (ArmJson.Text(p, single) is { Length: > 0 } one)
        {
            yield return one.Trim();
        }

        if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty(plural, out var many) && many.ValueKind == JsonValueKind.Array)
        {
            foreach (var v in many.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String))
            {
                yield return v.GetString()!.Trim();
            }
        }
    }

    private static bool All(string range) => range == "*" || range is "0-65535" or "1-65535";

    private static bool Covers(string range, int port)
    {
        if (range == "*")
        {
            return true;
        }

        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return int.TryParse(range, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p == port;
        }

        return int.TryParse(range[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var from)
            && int.TryParse(range[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var to)
            && from <= port && port <= to;
    }
}
