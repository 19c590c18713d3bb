using ScottPlot;

namespace ObsScaling.Plots;

/// <summary>Each family's scores on one component (or its item-response capability) against its training compute, with its fitted line.</summary>
public static class FamilyEfficiencyFigure
{
    public static RenderedPlot Render(FamilyEfficiencyData data, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plot = FigureStyle.NewPlot();
        var families = data.Families.OrderBy(f => f.Family, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < families.Length; i++)
        {
            var f = families[i];
            var color = FigureStyle.FamilyColor(i);
            var xs = f.Points.Select(p => p.Log10FlopsE21).ToArray();
            var markers = plot.Add.ScatterPoints(xs, f.Points.Select(p => p.Score).ToArray(), color);
            markers.MarkerShape = FigureStyle.FamilyMarker(i);
            markers.MarkerSize = 8;
            if (xs.Length > 0)
            {
                var lo = xs.Min();
                var hi = xs.Max();
                var line = plot.Add.ScatterLine(new[] { lo, hi }, new[] { f.Intercept + (f.Slope * lo), f.Intercept + (f.Slope * hi) }, color);
                line.LineWidth = 2;
            }

            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"{f.Family} (R²={f.RSquared:0.00})",
                LineColor = color,
                LineWidth = 2,
                MarkerShape = FigureStyle.FamilyMarker(i),
                MarkerFillColor = color,
                MarkerLineColor = color,
                MarkerSize = 8,
            });
        }

        plot.Axes.Bottom.TickGenerator = LogFlopsTicks.Create();
        var score = data.ScoreName ?? $"PC-{data.Component} score";
        plot.Title(options.Title ?? $"{data.ScoreName ?? $"PC-{data.Component}"} against compute by family: {data.Dataset}");
        plot.XLabel("training FLOPs");
        plot.YLabel(score);
        FigureStyle.PlaceLegend(plot, options);
        return FigureStyle.Encode(plot, options);
    }
}
