using System.Globalization;
using System.Text;
using ObsScaling.Core.Domain;

namespace ObsScaling.Server.Mapping;

/// <summary>Opaque page tokens (an offset bound to the collection) and page-size rules: default 50, at most 1000.</summary>
internal static class PageToken
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static (int Offset, int Limit) Parse(string collection, int pageSize, string? token)
    {
        if (pageSize < 0)
        {
            throw new ObsValidationException("page_size", pageSize.ToString(CultureInfo.InvariantCulture), "must not be negative");
        }

        var limit = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        if (string.IsNullOrEmpty(token))
        {
            return (0, limit);
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var parts = text.Split('|');
            if (parts.Length == 2 && parts[0] == collection && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return (offset, limit);
            }
        }
        catch (FormatException)
        {
        }

        throw new ObsValidationException("page_token", token, "not a page token issued for this collection");
    }

    public static string Next(string collection, int offset, int count, int total) =>
        offset + count >= total ? "" : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{collection}|{(offset + count).ToString(CultureInfo.InvariantCulture)}"));
}
