using ObsScaling.Core.Domain;
using ScottPlot;

namespace ObsScaling.Plots;

/// <summary>
/// Observed models coloured by family (filled: fitted on, open: held out), the fitted law as a line and, when the
/// fit has intervals, its forecast interval as a band.
/// </summary>
public static class ScalingCurveFigure
{
    public static RenderedPlot Render(ScalingCurveData data, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var points = data.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        if (points.Length == 0)
        {
            throw new ObsValidationException("points", "0", "a scaling curve needs at least one model with a finite position");
        }

        var plot = FigureStyle.NewPlot();
        var legend = new List<LegendItem>();
        var curve = data.Curve.Where(s => double.IsFinite(s.X) && double.IsFinite(s.Y)).OrderBy(s => s.X).ToArray();
        var band = curve.Where(s => s.Lower is { } l && s.Upper is { } u && double.IsFinite(l) && double.IsFinite(u)).ToArray();
        if (band.Length >= 2)
        {
            var fill = plot.Add.FillY(band.Select(s => s.X).ToArray(), band.Select(s => s.Lower!.Value).ToArray(), band.Select(s => s.Upper!.Value).ToArray());
            fill.FillColor = Colors.SteelBlue.WithAlpha(0.18);
            fill.LineWidth = 0;
            legend.Add(new LegendItem
            {
                LabelText = data.IntervalLevel is { } level ? $"{FigureStyle.Percent(level)} forecast interval" : "forecast interval",
                FillColor = Colors.SteelBlue.WithAlpha(0.18),
                LineWidth = 0,
            });
        }

        if (curve.Length >= 2)
        {
            var line = plot.Add.ScatterLine(curve.Select(s => s.X).ToArray(), curve.Select(s => s.Y).ToArray(), Colors.Black);
            line.LineWidth = 2;
            legend.Add(new LegendItem { LabelText = "fitted law", LineColor = Colors.Black, LineWidth = 2 });
        }

        var families = points.Select(p => p.Family ?? "(no family)").Distinct().Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < families.Length; i++)
        {
            var color = FigureStyle.FamilyColor(i);
            var shape = FigureStyle.FamilyMarker(i);
            var members = points.Where(p => (p.Family ?? "(no family)") == families[i]).ToArray();
            AddMarkers(plot, members.Where(p => p.InTrain).ToArray(), shape, color, 7);
            AddMarkers(plot, members.Where(p => !p.InTrain).ToArray(), Open(shape), color, 9);
            legend.Add(new LegendItem { LabelText = families[i], MarkerShape = shape, MarkerFillColor = color, MarkerLineColor = color, MarkerSize = 8, LineWidth = 0 });
        }

        // Which marker means what, once, after the families.
        legend.Add(new LegendItem { LabelText = "train (filled)", MarkerShape = MarkerShape.FilledCircle, MarkerFillColor = Colors.Black, MarkerLineColor = Colors.Black, MarkerSize = 8, LineWidth = 0 });
        legend.Add(new LegendItem { LabelText = "test (open)", MarkerShape = MarkerShape.OpenCircle, MarkerLineColor = Colors.Black, MarkerLineWidth = 2, MarkerSize = 9, LineWidth = 0 });

        if (data.LogFlopsAxis)
        {
            plot.Axes.Bottom.TickGenerator = LogFlopsTicks.Create();
        }

        plot.Title(options.Title ?? data.Title);
        plot.XLabel(data.XLabel);
        plot.YLabel(data.YLabel);
        if (!string.IsNullOrEmpty(data.Note))
        {
            var note = plot.Add.Annotation(data.Note, Alignment.UpperLeft);
            note.LabelFontSize = 12;
            note.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
            note.LabelBorderColor = Colors.LightGray;
            note.LabelShadowColor = Colors.Transparent;
        }

        plot.Legend.ManualItems.AddRange(legend);
        FigureStyle.PlaceLegend(plot, options);
        return FigureStyle.Encode(plot, options);
    }

    private static void AddMarkers(Plot plot, CurvePoint[] points, MarkerShape shape, Color color, float size)
    {
        if (points.Length == 0)
        {
            return;
        }

        var markers = plot.Add.ScatterPoints(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
        markers.MarkerShape = shape;
        markers.MarkerSize = size;
        markers.MarkerLineWidth = 2;
    }

    private static MarkerShape Open(MarkerShape filled) => filled switch
    {
        MarkerShape.FilledSquare => MarkerShape.OpenSquare,
        MarkerShape.FilledDiamond => MarkerShape.OpenDiamond,
        MarkerShape.FilledTriangleUp => MarkerShape.OpenTriangleUp,
        _ => MarkerShape.OpenCircle,
    };
}
