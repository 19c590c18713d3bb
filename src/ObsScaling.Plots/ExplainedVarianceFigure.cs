using ScottPlot;

namespace ObsScaling.Plots;

/// <summary>Share of variance per principal component as bars, and its running total as a line.</summary>
public static class ExplainedVarianceFigure
{
    public static RenderedPlot Render(DecompositionData data, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var ratios = data.ExplainedVarianceRatio.ToArray();
        var plot = FigureStyle.NewPlot();
        var positions = Enumerable.Range(1, ratios.Length).Select(i => (double)i).ToArray();
        var bars = plot.Add.Bars(positions, ratios);
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = FigureStyle.FamilyColor(0);
            bar.LineWidth = 0;
            bar.Size = 0.6;
            bar.Label = FigureStyle.Percent(bar.Value, 1);
        }

        bars.ValueLabelStyle.FontSize = 13;
        var cumulative = new double[ratios.Length];
        for (var i = 0; i < ratios.Length; i++)
        {
            cumulative[i] = ratios[i] + (i > 0 ? cumulative[i - 1] : 0);
        }

        var line = plot.Add.Scatter(positions, cumulative, FigureStyle.FamilyColor(2));
        line.LineWidth = 2;
        line.MarkerSize = 8;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "share of variance", FillColor = FigureStyle.FamilyColor(0), LineWidth = 0 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "cumulative", LineColor = FigureStyle.FamilyColor(2), LineWidth = 2, MarkerShape = MarkerShape.FilledCircle, MarkerFillColor = FigureStyle.FamilyColor(2), MarkerSize = 8 });
        plot.ShowLegend(Alignment.MiddleRight);

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, positions.Select(p => $"PC-{p:0}").ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => FigureStyle.Percent(v) };
        plot.Axes.SetLimits(0.4, ratios.Length + 0.6, 0, 1.08);
        plot.Title(options.Title ?? $"Explained variance: {data.Dataset} ({data.Metrics.Count} benchmarks)");
        plot.XLabel("principal component");
        plot.YLabel("share of variance explained");
        return FigureStyle.Encode(plot, options);
    }
}
