using System.Globalization;
using System.Xml.Linq;
using ObsScaling.Core.Domain;
using ObsScaling.Testing;

namespace ObsScaling.Plots.Tests;

public sealed class FigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Theory]
    [InlineData(900, 600)]
    [InlineData(1234, 567)]
    [InlineData(320, 320)]
    public void Scaling_curve_png_has_the_requested_size(int width, int height)
    {
        var plot = ScalingCurveFigure.Render(SyntheticFigures.Curve(), new PlotOptions(width, height, PlotFormat.Png));
        Assert.Equal((width, height), ImageFiles.PngSize(plot.Content));
        Assert.Equal("image/png", plot.MediaType);
        ImageFiles.Save($"synthetic-curve-{width}x{height}.png", plot.Content);
    }

    [Fact]
    public void Scaling_curve_svg_names_the_families_the_axis_and_the_interval()
    {
        var plot = ScalingCurveFigure.Render(SyntheticFigures.Curve(), new PlotOptions(1000, 640, PlotFormat.Svg));
        var doc = ImageFiles.Svg(plot.Content);
        AssertSvgSize(doc, 1000, 640);
        var texts = ImageFiles.SvgTexts(doc);
        foreach (var family in SyntheticFigures.Families)
        {
            Assert.Contains(family, texts);
        }

        Assert.Contains("Alpha-equivalent FLOPs", texts);
        Assert.Contains("90% forecast interval", texts);
        Assert.Contains("test (open)", texts);
        Assert.Contains("Synthetic law", texts);

        // Decades labelled as absolute FLOPs: x from −1.2 to 4.7 in log10(1E21) units spans 10²⁰…10²⁵.
        Assert.Contains("10²²", texts);
        Assert.Equal("image/svg+xml", plot.MediaType);
        ImageFiles.Save("synthetic-curve.svg", plot.Content);
    }

    [Fact]
    public void Without_intervals_the_curve_has_no_band_entry()
    {
        var plot = ScalingCurveFigure.Render(SyntheticFigures.Curve(withBand: false), new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(plot.Content));
        Assert.DoesNotContain(texts, t => t.Contains("interval", StringComparison.Ordinal));
        Assert.Contains("fitted law", texts);
    }

    [Fact]
    public void Title_option_replaces_the_default_title()
    {
        var plot = ScalingCurveFigure.Render(SyntheticFigures.Curve(), new PlotOptions(Format: PlotFormat.Svg, Title: "My own title"));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(plot.Content));
        Assert.Contains("My own title", texts);
        Assert.DoesNotContain("Synthetic law", texts);
    }

    [Fact]
    public void Explained_variance_shows_each_component_and_its_share()
    {
        var data = SyntheticFigures.Decomposition();
        var svg = ExplainedVarianceFigure.Render(data, new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(svg.Content));
        Assert.Contains("PC-1", texts);
        Assert.Contains("PC-4", texts);
        Assert.Contains("80.0%", texts);
        Assert.Contains("cumulative", texts);
        var png = ExplainedVarianceFigure.Render(data, new PlotOptions(800, 500));
        Assert.Equal((800, 500), ImageFiles.PngSize(png.Content));
        ImageFiles.Save("synthetic-explained-variance.png", png.Content);
    }

    [Fact]
    public void Loadings_heatmap_writes_every_value_and_uses_both_ends_of_the_diverging_map()
    {
        var data = SyntheticFigures.Decomposition();
        var svg = LoadingsFigure.Render(data, new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(svg.Content));
        foreach (var metric in data.Metrics)
        {
            Assert.Contains(metric, texts);
        }

        Assert.Contains("-0.80", texts);
        Assert.Contains("0.70", texts);
        Assert.Contains("PC-3", texts);

        var png = LoadingsFigure.Render(data, new PlotOptions(900, 500));
        ImageFiles.Save("synthetic-loadings.png", png.Content);
        var (red, blue) = Pixels.StronglyRedAndBlue(png.Content);
        Assert.True(red > 500, $"{red} strongly red pixels");
        Assert.True(blue > 500, $"{blue} strongly blue pixels");

        // All-positive loadings stay on the red half of the map: the colour bar's blue end is the only blue.
        var positive = data with { Loadings = new double[,] { { 0.6, 0.5, 0.4, 0.5 }, { 0.3, 0.1, 0.7, 0.6 }, { 0.2, 0.8, 0.3, 0.1 } } };
        var (_, bluePositive) = Pixels.StronglyRedAndBlue(LoadingsFigure.Render(positive, new PlotOptions(900, 500)).Content);
        Assert.True(bluePositive < blue / 2, $"{bluePositive} blue pixels with positive loadings vs {blue} with mixed");
    }

    [Fact]
    public void Family_efficiency_lists_each_family_with_its_fit()
    {
        var svg = FamilyEfficiencyFigure.Render(SyntheticFigures.Efficiency(), new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(svg.Content));
        Assert.Contains("Alpha (R²=0.95)", texts);
        Assert.Contains("PC-1 score", texts);
        Assert.Contains("training FLOPs", texts);
        var png = FamilyEfficiencyFigure.Render(SyntheticFigures.Efficiency(), new PlotOptions());
        Assert.Equal((PlotOptions.DefaultWidth, PlotOptions.DefaultHeight), ImageFiles.PngSize(png.Content));
        ImageFiles.Save("synthetic-family-efficiency.png", png.Content);
    }

    [Fact]
    public void Family_efficiency_of_an_item_response_capability_names_its_axis()
    {
        var data = SyntheticFigures.Efficiency() with { ScoreName = "IRT capability C" };
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(FamilyEfficiencyFigure.Render(data, new PlotOptions(Format: PlotFormat.Svg)).Content));
        Assert.Contains("IRT capability C", texts);
        Assert.DoesNotContain("PC-1 score", texts);
    }

    [Fact]
    public void Benchmark_items_label_each_benchmark_with_its_difficulty_slope_and_the_anchor()
    {
        var svg = BenchmarkItemsFigure.Render(SyntheticFigures.BenchmarkItems(), new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(svg.Content));
        Assert.Contains("easy (D=-1.00, α=1.50)", texts);
        Assert.Contains("anchor (D=0.00, α=1.00, anchor)", texts);
        Assert.Contains("hard (D=1.50, α=2.50)", texts);
        Assert.Contains("capability C", texts);
        var png = BenchmarkItemsFigure.Render(SyntheticFigures.BenchmarkItems(), new PlotOptions(1000, 640));
        Assert.Equal((1000, 640), ImageFiles.PngSize(png.Content));
        ImageFiles.Save("synthetic-benchmark-items.png", png.Content);
        Assert.Throws<ArgumentException>(() => BenchmarkItemsFigure.Render(new BenchmarkItemsData("empty", [], []), new PlotOptions()));
    }

    [Fact]
    public void Backtest_bars_label_each_predictor_set_and_value()
    {
        var data = SyntheticFigures.Backtest();
        var svg = BacktestComparisonFigure.Render(data, new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(svg.Content));
        Assert.Contains("ln FLOPs", texts);
        Assert.Contains("PC-1..3", texts);
        Assert.Contains("test MSE", texts);
        Assert.Contains("0.023", texts);
        Assert.Contains("0.0034", texts);
        var png = BacktestComparisonFigure.Render(data, new PlotOptions());
        ImageFiles.Save("synthetic-backtest.png", png.Content);
    }

    [Fact]
    public void Backtest_sweep_draws_test_error_against_held_out_share()
    {
        var data = SyntheticFigures.Backtest() with
        {
            Sweeps =
            [
                new BacktestSweep("PC-1..3", [(0.1, 0.002), (0.2, 0.003), (0.3, 0.004)]),
                new BacktestSweep("ln FLOPs", [(0.1, 0.01), (0.2, 0.02), (0.3, 0.05)]),
            ],
        };
        var svg = BacktestComparisonFigure.Render(data, new PlotOptions(Format: PlotFormat.Svg));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(svg.Content));
        Assert.Contains("share of models held out", texts);
        Assert.Contains("ln FLOPs", texts);
        Assert.Contains("20%", texts);
        ImageFiles.Save("synthetic-backtest-sweep.png", BacktestComparisonFigure.Render(data, new PlotOptions()).Content);
    }

    [Theory]
    [InlineData(0, 600, "width")]
    [InlineData(900, -1, "height")]
    [InlineData(319, 600, "width")]
    [InlineData(100000, 600, "width")]
    public void Sizes_outside_the_range_name_the_field(int width, int height, string field)
    {
        var ex = Assert.Throws<ObsValidationException>(() => ScalingCurveFigure.Render(SyntheticFigures.Curve(), new PlotOptions(width, height)));
        var v = Assert.Single(ex.Violations);
        Assert.Equal(field, v.Field);
        Assert.Equal((field == "width" ? width : height).ToString(CultureInfo.InvariantCulture), v.Value);
    }

    [Fact]
    public void A_curve_without_finite_points_is_refused()
    {
        var data = SyntheticFigures.Curve() with { Points = [new CurvePoint("m", "f", double.NaN, 0.5, true)] };
        var ex = Assert.Throws<ObsValidationException>(() => ScalingCurveFigure.Render(data, new PlotOptions()));
        Assert.Equal("points", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void A_predictor_set_the_split_cannot_evaluate_keeps_its_place_as_not_available()
    {
        var data = SyntheticFigures.Backtest() with { Bars = [new BacktestBar("PC-1..3", 0.002, 0.003), new BacktestBar("ln FLOPs", double.NaN, double.NaN, "no test model has FLOPs")] };
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(BacktestComparisonFigure.Render(data, new PlotOptions(Format: PlotFormat.Svg)).Content));
        Assert.Contains("ln FLOPs (not evaluable)", texts);
        Assert.Contains("n/a", texts);
        Assert.Contains("0.003", texts);
    }

    [Fact]
    public void A_backtest_without_evaluated_rows_is_refused()
    {
        var data = new BacktestComparisonData("t", [new BacktestBar("ln FLOPs", double.NaN, double.NaN), new BacktestBar("ln params", 0, 0, "no test model has parameters")]);
        var ex = Assert.Throws<ObsValidationException>(() => BacktestComparisonFigure.Render(data, new PlotOptions()));
        Assert.Equal("bars", Assert.Single(ex.Violations).Field);
    }

    private static void AssertSvgSize(XDocument doc, int width, int height)
    {
        var root = doc.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal(width.ToString(CultureInfo.InvariantCulture), root.Attribute("width")?.Value);
        Assert.Equal(height.ToString(CultureInfo.InvariantCulture), root.Attribute("height")?.Value);
        Assert.Equal($"0 0 {width} {height}", root.Attribute("viewBox")?.Value);
    }
}
