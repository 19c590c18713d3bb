using System.Globalization;
using System.Text;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace ObsScaling.Plots;

/// <summary>
/// Ticks for an axis whose coordinates are log10 FLOPs in units of 1e21: major ticks at whole decades labelled
/// as absolute FLOPs (10²³), minor ticks at 2–9 × each decade, so the axis reads as a log scale.
/// </summary>
internal static class LogFlopsTicks
{
    private const int UnitExponent = 21;

    public static ITickGenerator Create()
    {
        return new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = Label,
        };
    }

    /// <summary>"10²³" for 2 (log10 of 100 × 1e21).</summary>
    public static string Label(double log10E21)
    {
        var exponent = (int)Math.Round(log10E21) + UnitExponent;
        return "10" + Superscript(exponent.ToString(CultureInfo.InvariantCulture));
    }

    private static string Superscript(string digits)
    {
        var sb = new StringBuilder(digits.Length);
        foreach (var c in digits)
        {
            sb.Append(c switch
            {
                '0' => '⁰',
                '1' => '¹',
                '2' => '²',
                '3' => '³',
                '4' => '⁴',
                '5' => '⁵',
                '6' => '⁶',
                '7' => '⁷',
                '8' => '⁸',
                '9' => '⁹',
                '-' => '⁻',
                _ => c,
            });
        }

        return sb.ToString();
    }
}
