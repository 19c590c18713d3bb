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
        // The running total starts at the first bar's top: tall bars carry their share inside, short ones above.
        var tall = ratios.Select((r, i) => (r, i)).Where(x => x.r >= 0.15).ToArray();
        var shortBars = ratios.Select((r, i) => (r, i)).Where(x => x.r < 0.15).ToArray();
        AddBars(plot, tall.Select(x => positions[x.i]).ToArray(), tall.Select(x => x.r).ToArray(), inside: true);
        AddBars(plot, shortBars.Select(x => positions[x.i]).ToArray(), shortBars.Select(x => x.r).ToArray(), inside: false);
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
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, 11).Select(i => i / 10.0).ToArray(),
            Enumerable.Range(0, 11).Select(i => $"{i * 10}%").ToArray());
        plot.Axes.SetLimits(0.4, ratios.Length + 0.6, 0, 1.06);
        plot.Title(options.Title ?? $"Explained variance: {data.Dataset} ({data.Metrics.Count} benchmarks)");
        plot.XLabel("principal component");
        plot.YLabel("share of variance explained");
        return FigureStyle.Encode(plot, options);
    }

    private static void AddBars(Plot plot, double[] positions, double[] values, bool inside)
    {
        if (positions.Length == 0)
        {
            return;
        }

        var bars = plot.Add.Bars(positions, values);
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = FigureStyle.FamilyColor(0);
            bar.LineWidth = 0;
            bar.Size = 0.6;
            bar.Label = FigureStyle.Percent(bar.Value, 1);
            bar.CenterLabel = inside;
        }

        bars.ValueLabelStyle.FontSize = 14;
        if (inside)
        {
            bars.ValueLabelStyle.ForeColor = Colors.White;
            bars.ValueLabelStyle.Bold = true;
        }
    }
}
