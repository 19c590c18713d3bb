using System.Globalization;
using System.Text;
using System.Xml.Linq;
using ScottPlot;
using SkiaSharp;

namespace ObsScaling.Plots;

/// <summary>What every figure shares: a sans-serif font the machine has, a palette with enough colours, the encoders.</summary>
internal static class FigureStyle
{
    // Skia's own default on Linux is whatever the font directory lists first (a serif face here); pick a
    // sans-serif face that exists so figures look the same on every machine that has one of these.
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Lato", "Arial", "Helvetica"];

    private static readonly Lazy<string?> FontName = new(() =>
    {
        var installed = SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return PreferredFonts.FirstOrDefault(installed.Contains) ?? installed.Order(StringComparer.Ordinal).FirstOrDefault();
    });

    /// <summary>Tableau's 20 colours: families stay distinguishable up to 20 of them; after that colours repeat with another marker.</summary>
    public static readonly IPalette Palette = new ScottPlot.Palettes.Category20();

    public static readonly MarkerShape[] FamilyMarkers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleUp];

    /// <summary>Category20 lists each hue dark then light: take the ten dark ones first so neighbours differ in hue.</summary>
    public static Color FamilyColor(int index)
    {
        var i = index % Palette.Colors.Length;
        var half = Palette.Colors.Length / 2;
        return Palette.GetColor(i < half ? 2 * i : (2 * (i - half)) + 1);
    }

    public static MarkerShape FamilyMarker(int index) => FamilyMarkers[index / Palette.Colors.Length % FamilyMarkers.Length];

    /// <summary>"80.0%" (the invariant culture's P format puts a space before the sign).</summary>
    public static string Percent(double share, int decimals = 0) =>
        (share * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";

    public static Plot NewPlot()
    {
        var plot = new Plot();
        if (FontName.Value is { } font)
        {
            plot.Font.Set(font);
        }

        plot.Axes.Title.Label.FontSize = 18;
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        plot.Legend.FontSize = 12;
        return plot;
    }

    /// <summary>
    /// Beside the data on a wide figure; inside its upper-left corner on a narrow one, where a legend beside it would
    /// leave no room for the data.
    /// </summary>
    public static void PlaceLegend(Plot plot, PlotOptions options)
    {
        if (options.Width >= 640)
        {
            plot.ShowLegend(Edge.Right);
            return;
        }

        plot.Legend.FontSize = 10;
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.75);
        plot.ShowLegend(Alignment.UpperLeft);
    }

    /// <summary>Sets the font again after plottables were added (legend and text items take the font at creation).</summary>
    public static void ApplyFont(Plot plot)
    {
        if (FontName.Value is { } font)
        {
            plot.Font.Set(font);
        }
    }

    public static RenderedPlot Encode(Plot plot, PlotOptions options)
    {
        ApplyFont(plot);
        if (options.Format == PlotFormat.Svg)
        {
            var xml = WithViewBox(plot.GetSvgXml(options.Width, options.Height), options.Width, options.Height);
            return new RenderedPlot(Encoding.UTF8.GetBytes(xml), PlotFormat.Svg, options.Width, options.Height);
        }

        var bytes = plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
        return new RenderedPlot(bytes, PlotFormat.Png, options.Width, options.Height);
    }

    /// <summary>Skia's SVG canvas writes width and height only; a viewBox lets the figure scale when embedded.</summary>
    private static string WithViewBox(string xml, int width, int height)
    {
        var doc = XDocument.Parse(xml);
        doc.Root!.SetAttributeValue("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
        return doc.Declaration + Environment.NewLine + doc.ToString(SaveOptions.DisableFormatting);
    }
}
