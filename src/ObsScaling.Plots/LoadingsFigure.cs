using System.Globalization;
using ScottPlot;

namespace ObsScaling.Plots;

/// <summary>Loadings of each benchmark on each component as a diverging heatmap, values written in the cells.</summary>
public static class LoadingsFigure
{
    public static RenderedPlot Render(DecompositionData data, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var components = data.Loadings.GetLength(0);
        var metrics = data.Loadings.GetLength(1);
        var plot = FigureStyle.NewPlot();

        // Heatmap rows draw from the top; row r is PC-(r+1), so PC-1 is the top row.
        var heatmap = plot.Add.Heatmap(data.Loadings);
        var limit = Math.Max(1e-12, Enumerable.Range(0, components).SelectMany(c => Enumerable.Range(0, metrics).Select(j => Math.Abs(data.Loadings[c, j]))).Max());
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        heatmap.ManualRange = new ScottPlot.Range(-limit, limit);
        for (var c = 0; c < components; c++)
        {
            for (var j = 0; j < metrics; j++)
            {
                var value = data.Loadings[c, j];
                var text = plot.Add.Text(value.ToString("0.00", CultureInfo.InvariantCulture), j, components - 1 - c);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = metrics > 12 ? 10 : 13;
                text.LabelFontColor = Math.Abs(value) > 0.55 * limit ? Colors.White : Colors.Black;
            }
        }

        var colorbar = plot.Add.ColorBar(heatmap);
        colorbar.Label = "loading";
        var metricTicks = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, metrics).Select(j => (double)j).ToArray(),
            data.Metrics.Select(Shorten).ToArray());
        plot.Axes.Bottom.TickGenerator = metricTicks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.TickLabelStyle.OffsetY = 8;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, components).Select(c => (double)(components - 1 - c)).ToArray(),
            Enumerable.Range(1, components).Select(c => $"PC-{c}").ToArray());
        plot.Axes.SetLimits(-0.5, metrics - 0.5, -0.5, components - 0.5);
        plot.HideGrid();
        plot.Title(options.Title ?? $"Loadings: {data.Dataset}");
        plot.YLabel("principal component");
        return FigureStyle.Encode(plot, options);
    }

    // Long metric names (lm-eval-harness keys) would push the heatmap off the canvas.
    private static string Shorten(string metric) => metric.Length <= 22 ? metric : metric[..20] + "…";
}
