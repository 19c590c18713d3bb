using System.Globalization;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Magnitudes written with units: a suffix on the number (<c>7B</c>, <c>350M</c>, <c>1.4T</c>), a unit column
/// (<c>params_unit</c> = B) or a unit in the header (<c>params_b</c>, <c>Model Size (B)</c>, <c>FLOPs (1E21)</c>).
/// A plain number with no unit anywhere is a count (of parameters, tokens or FLOPs).
/// </summary>
internal static class Quantity
{
    /// <summary>The multiplier a unit stands for, or null when the text is not a unit.</summary>
    public static double? Multiplier(string unit)
    {
        return unit.Trim().ToUpperInvariant() switch
        {
            "" or "1" or "COUNT" => 1,
            "K" or "THOUSAND" => 1e3,
            "M" or "MILLION" or "MILLIONS" => 1e6,
            "B" or "G" or "BILLION" or "BILLIONS" => 1e9,
            "T" or "TRILLION" or "TRILLIONS" => 1e12,
            "E21" or "1E21" or "ZETTA" or "Z" => 1e21,
            _ => null,
        };
    }

    /// <summary>Parses "7", "7B", "1.5 T", "8.4e22"; <paramref name="suffix"/> is the unit found on the number ("" when none).</summary>
    public static bool TryParse(string text, out double value, out string suffix)
    {
        var t = text.Trim();
        suffix = "";
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return double.IsFinite(value);
        }

        var end = t.Length;
        while (end > 0 && char.IsLetter(t[end - 1]))
        {
            end--;
        }

        if (end == t.Length || end == 0)
        {
            return false;
        }

        suffix = t[end..];
        return Multiplier(suffix) is not null && double.TryParse(t[..end].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}
