using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// Turns an AWS XML answer into JSON without interpreting it: elements become properties (local names),
/// <c>member</c>/<c>item</c> lists become arrays, <c>entry</c>(key, value) maps become objects, repeated
/// siblings become arrays, text stays text, empty elements become null.
/// </summary>
public static class XmlJson
{
    public static JsonNode? Convert(XElement element)
    {
        if (!element.HasElements)
        {
            return element.IsEmpty || element.Value.Length == 0 ? null : JsonValue.Create(element.Value);
        }

        var children = element.Elements().ToList();
        if (children.All(c => c.Name.LocalName is "member" or "item"))
        {
            var array = new JsonArray();
            foreach (var child in children)
            {
                array.Add(Convert(child));
            }

            return array;
        }

        if (children.All(c => c.Name.LocalName == "entry" && c.Elements().Any(k => k.Name.LocalName == "key")))
        {
            var map = new JsonObject();
            foreach (var entry in children)
            {
                var key = entry.Elements().First(k => k.Name.LocalName == "key").Value;
                var value = entry.Elements().FirstOrDefault(v => v.Name.LocalName == "value");
                map[key] = value is null ? null : Convert(value);
            }

            return map;
        }

        var obj = new JsonObject();
        foreach (var group in children.GroupBy(c => c.Name.LocalName))
        {
            var items = group.ToList();
            if (items.Count == 1)
            {
                obj[group.Key] = Convert(items[0]);
            }
            else
            {
                var array = new JsonArray();
                foreach (var item in items)
                {
                    array.Add(Convert(item));
                }

                obj[group.Key] = array;
            }
        }

        return obj;
    }

    /// <summary>The first descendant (or self) with this local name.</summary>
    public static XElement? Find(XElement root, string localName) =>
        root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == localName);
}
