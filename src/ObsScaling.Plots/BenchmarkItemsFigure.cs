using ScottPlot;

namespace ObsScaling.Plots;

/// <summary>
/// The item-response model read as a Rosetta stone: every benchmark's expected score against the one capability C,
/// so where each benchmark discriminates (its difficulty, the steep part) and where it saturates can be read off.
/// </summary>
public static class BenchmarkItemsFigure
{
    public static RenderedPlot Render(BenchmarkItemsData data, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.Benchmarks.Count == 0)
        {
            throw new ArgumentException("no benchmark to draw", nameof(data));
        }

        var plot = FigureStyle.NewPlot();
        var benchmarks = data.Benchmarks.OrderBy(b => b.Difficulty).ToArray();
        for (var i = 0; i < benchmarks.Length; i++)
        {
            var b = benchmarks[i];
            var color = FigureStyle.FamilyColor(i);
            var scores = data.Scores.Where(s => s.Benchmark == b.Benchmark && double.IsFinite(s.Capability) && double.IsFinite(s.Score)).ToArray();
            if (scores.Length > 0)
            {
                var points = plot.Add.ScatterPoints(scores.Select(s => s.Capability).ToArray(), scores.Select(s => s.Score).ToArray(), color.WithAlpha(0.45));
                points.MarkerShape = FigureStyle.FamilyMarker(i);
                points.MarkerSize = 5;
            }

            var line = plot.Add.ScatterLine(b.Curve.Select(p => p.Capability).ToArray(), b.Curve.Select(p => p.Score).ToArray(), color);
            line.LineWidth = b.Anchor ? 3 : 2;
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"{b.Benchmark} (D={b.Difficulty:0.00}, α={b.Slope:0.00}{(b.Anchor ? ", anchor" : "")})",
                LineColor = color,
                LineWidth = 2,
                MarkerShape = FigureStyle.FamilyMarker(i),
                MarkerFillColor = color,
                MarkerLineColor = color,
                MarkerSize = 5,
            });
        }

        plot.Axes.SetLimitsY(-0.03, 1.03);
        plot.Title(options.Title ?? $"Benchmarks on the capability scale: {data.Dataset}");
        plot.XLabel("capability C");
        plot.YLabel("expected score");
        FigureStyle.PlaceLegend(plot, options);
        return FigureStyle.Encode(plot, options);
    }
}
