using System.Globalization;
using ObsScaling.Core.Domain;
using ScottPlot;

namespace ObsScaling.Plots;

/// <summary>Train and test MSE of each predictor set side by side, or test MSE against the held-out share.</summary>
public static class BacktestComparisonFigure
{
    public static RenderedPlot Render(BacktestComparisonData data, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plot = FigureStyle.NewPlot();
        if (data.Sweeps is { Count: > 0 } sweeps)
        {
            Sweep(plot, sweeps);
        }
        else
        {
            var bars = data.Bars.Where(b => b.Unavailable is not null || (double.IsFinite(b.TrainMse) && double.IsFinite(b.TestMse))).ToArray();
            if (!bars.Any(b => b.Unavailable is null))
            {
                throw new ObsValidationException("bars", "0", "a backtest comparison needs at least one evaluated predictor set");
            }

            Bars(plot, bars);
        }

        plot.Title(options.Title ?? data.Title);
        return FigureStyle.Encode(plot, options);
    }

    private static void Bars(Plot plot, BacktestBar[] rows)
    {
        var train = FigureStyle.FamilyColor(0);
        var test = FigureStyle.FamilyColor(1);
        var list = new List<Bar>();
        var top = rows.Where(r => r.Unavailable is null).Max(r => Math.Max(r.TrainMse, r.TestMse));
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].Unavailable is not null)
            {
                // A baseline the split cannot support (no held-out model has FLOPs, say) keeps its place on the axis.
                var na = plot.Add.Text("n/a", i, 0);
                na.LabelAlignment = Alignment.LowerCenter;
                na.LabelFontSize = 13;
                na.LabelFontColor = Colors.Gray;
                na.OffsetY = -4;
                continue;
            }

            list.Add(new Bar { Position = i - 0.2, Value = rows[i].TrainMse, Size = 0.38, FillColor = train, LineWidth = 0, Label = Format(rows[i].TrainMse) });
            list.Add(new Bar { Position = i + 0.2, Value = rows[i].TestMse, Size = 0.38, FillColor = test, LineWidth = 0, Label = Format(rows[i].TestMse) });
        }

        var bars = plot.Add.Bars(list);
        bars.ValueLabelStyle.FontSize = 12;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "train MSE", FillColor = train, LineWidth = 0 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "test MSE", FillColor = test, LineWidth = 0 });
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Length).Select(i => (double)i).ToArray(),
            rows.Select(r => r.Unavailable is null ? r.Label : r.Label + " (not evaluable)").ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("0.#######", CultureInfo.InvariantCulture) };
        plot.Axes.SetLimits(-0.6, rows.Length - 0.4, 0, top <= 0 ? 1 : top * 1.25);
        plot.XLabel("predictors");
        plot.YLabel("MSE (transformed target)");
    }

    private static void Sweep(Plot plot, IReadOnlyList<BacktestSweep> sweeps)
    {
        for (var i = 0; i < sweeps.Count; i++)
        {
            var s = sweeps[i].Points.OrderBy(p => p.HeldOutShare).ToArray();
            var line = plot.Add.Scatter(s.Select(p => p.HeldOutShare).ToArray(), s.Select(p => p.TestMse).ToArray(), FigureStyle.FamilyColor(i));
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.MarkerShape = FigureStyle.FamilyMarker(i);
            line.LegendText = sweeps[i].Label;
        }

        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => FigureStyle.Percent(v) };
        plot.XLabel("share of models held out");
        plot.YLabel("test MSE (transformed target)");
    }

    private static string Format(double mse) => mse.ToString("G3", CultureInfo.InvariantCulture);
}
