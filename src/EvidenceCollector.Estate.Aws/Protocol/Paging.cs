using System.Globalization;
using System.Text;

namespace EvidenceCollector.Estate.Aws.Protocol;

/// <summary>Offset pagination behind opaque tokens.</summary>
internal static class Paging
{
    public static (List<T> Page, string? Next) Page<T>(IReadOnlyList<T> all, string? token, int limit, Func<string, AwsError> invalidToken)
    {
        var offset = 0;
        if (!string.IsNullOrEmpty(token))
        {
            offset = Decode(token) ?? throw invalidToken(token);
            if (offset > all.Count)
            {
                throw invalidToken(token);
            }
        }
        var page = all.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < all.Count ? Encode(offset + page.Count) : null;
        return (page, next);
    }

    private static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("estate-page:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int? Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("estate-page:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("estate-page:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
