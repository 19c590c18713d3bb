using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace ObsScaling.Shell;

/// <summary>Shared rules for what counts as a scalar and how a cell value is written.</summary>
internal static class ValueFormatter
{
    private const int MaxListedItems = 4;

    public static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    public static bool IsScalar(object? value)
    {
        value = Unwrap(value);
        return value is null or string or char or bool or Enum or DateTime or DateTimeOffset or TimeSpan or Guid or Uri or Version
            || IsNumber(value);
    }

    public static bool IsNumber(object? value) => Unwrap(value) is byte or sbyte or short or ushort or int or uint or long or ulong
        or float or double or decimal or BigInteger or Half;

    public static string Format(object? value)
    {
        value = Unwrap(value);
        switch (value)
        {
            case null:
                return string.Empty;
            case string s:
                return s;
            case double d:
                return FormatDouble(d);
            case float f:
                return FormatDouble(f);
            case decimal m:
                return m.ToString("G", CultureInfo.InvariantCulture);
            case DateTime dt:
                return dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            case DateTimeOffset dto:
                return dto.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
            case IFormattable formattable:
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            case IDictionary dictionary:
                return "{" + string.Join(", ", dictionary.Keys.Cast<object?>().Take(MaxListedItems).Select(k => $"{Format(k)}={Format(dictionary[k!])}"))
                    + (dictionary.Count > MaxListedItems ? ", …}" : "}");
            case IEnumerable enumerable:
                var items = enumerable.Cast<object?>().Take(MaxListedItems + 1).ToList();
                return "{" + string.Join(", ", items.Take(MaxListedItems).Select(Format)) + (items.Count > MaxListedItems ? ", …}" : "}");
            default:
                return value.ToString() ?? string.Empty;
        }
    }

    // Six significant digits keep fitted parameters and MSEs readable in a table; JSON keeps full precision.
    private static string FormatDouble(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return d.ToString(CultureInfo.InvariantCulture);
        }

        if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
        {
            return d.ToString("0", CultureInfo.InvariantCulture);
        }

        return d.ToString("G6", CultureInfo.InvariantCulture);
    }
}
