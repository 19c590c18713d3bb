using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ObsScaling.Core.Import;
using ObsScaling.Server.Storage;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using ObsScaling.Testing;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// RenderPlot through a real in-memory server: the paper's AgentBench fit and a decomposition of the base models
/// as PNG and SVG (saved under artifacts/plots to be looked at), and bad requests.
/// </summary>
public sealed class PlotTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private static readonly V1.FitSpec AgentBench = new()
    {
        Target = "ABench-OA",
        Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = 0, High = 10 },
        CapabilityMetrics = { PaperMetrics.InstructBenchmarks },
        Split = new V1.Split { Kind = V1.SplitKind.TopFraction, Column = "@target", Fraction = 0.1 },
        ReferenceFamily = "Llama-2-Chat",
        Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.ModelBootstrap, Level = 0.9, Resamples = 200, Seed = 7 },
    };

    private V1.ObsScaling.ObsScalingClient Client => shared.Client;

    [SkippableFact]
    public async Task AgentBench_scaling_curve_as_png_and_svg()
    {
        PaperData.SkipIfAbsent();
        await Uploads.ImportAsync(Client, "plot-agents", PaperDatasets.LoadInstructWithAgents(PaperData.Open));
        var fit = await Uploads.FitAsync(Client, "plot-agents", AgentBench, "agentbench");

        var png = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ScalingCurve, Fit = fit.Name, Width = 1100, Height = 650 });
        Assert.Equal("image/png", png.MediaType);
        Assert.Equal((1100, 650), (png.Width, png.Height));
        Assert.Equal((1100, 650), ImageFiles.PngSize(png.Content.ToByteArray()));
        Assert.Equal(V1.PlotKind.ScalingCurve, png.Kind);
        ImageFiles.Save("agentbench-scaling-curve.png", png.Content.ToByteArray());

        var svg = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ScalingCurve, Fit = fit.Name, Format = V1.PlotFormat.Svg });
        Assert.Equal("image/svg+xml", svg.MediaType);
        var doc = ImageFiles.Svg(svg.Content.ToByteArray());
        Assert.Equal("900", doc.Root!.Attribute("width")?.Value);
        Assert.Equal("600", doc.Root.Attribute("height")?.Value);
        Assert.Equal("0 0 900 600", doc.Root.Attribute("viewBox")?.Value);
        var texts = ImageFiles.SvgTexts(doc);
        Assert.Contains("Llama-2-Chat-equivalent FLOPs", texts);
        Assert.Contains("90% forecast interval", texts);
        foreach (var family in fit.Predictions.Select(p => p.Family).Where(f => f.Length > 0).Distinct())
        {
            Assert.Contains(family, texts);
        }

        Assert.Contains("ABench-OA", texts);
        ImageFiles.Save("agentbench-scaling-curve.svg", svg.Content.ToByteArray());

        // The fit's own spec against the compute baselines, as the Backtest RPC computes it.
        var backtest = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.BacktestComparison, Fit = fit.Name, Format = V1.PlotFormat.Svg });
        var bars = ImageFiles.SvgTexts(ImageFiles.Svg(backtest.Content.ToByteArray()));
        Assert.Contains("test MSE", bars);
        Assert.Contains(bars, t => t.StartsWith("PC-1", StringComparison.Ordinal));
        Assert.Contains(fit.TestMse.ToString("G3", CultureInfo.InvariantCulture), bars);

        // No held-out agent model has FLOPs: the compute baselines keep their place, marked as not evaluable.
        Assert.Contains("ln FLOPs (not evaluable)", bars);
        Assert.Contains("n/a", bars);
        var backtestPng = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.BacktestComparison, Fit = fit.Name });
        ImageFiles.Save("agentbench-backtest.png", backtestPng.Content.ToByteArray());
    }

    [SkippableFact]
    public async Task Base_decomposition_figures()
    {
        PaperData.SkipIfAbsent();
        await Uploads.ImportAsync(Client, "plot-base", PaperDatasets.LoadBase(PaperData.Open));
        var decomposition = new V1.PlotDecomposition { Metrics = { PaperMetrics.BaseBenchmarks } };
        foreach (var kind in new[] { V1.PlotKind.ExplainedVariance, V1.PlotKind.Loadings, V1.PlotKind.FamilyEfficiency })
        {
            var png = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = kind, Dataset = "datasets/plot-base", Decomposition = decomposition, Width = 1000, Height = 620 });
            Assert.Equal((1000, 620), ImageFiles.PngSize(png.Content.ToByteArray()));
            ImageFiles.Save($"base-{kind.ToString().ToLowerInvariant()}.png", png.Content.ToByteArray());
        }

        var loadings = ImageFiles.SvgTexts(ImageFiles.Svg((await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.Loadings, Dataset = "plot-base", Decomposition = decomposition, Format = V1.PlotFormat.Svg })).Content.ToByteArray()));
        foreach (var metric in PaperMetrics.BaseBenchmarks)
        {
            Assert.Contains(metric, loadings);
        }

        Assert.Contains("PC-5", loadings);

        var d = await Client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/plot-base", Metrics = { PaperMetrics.BaseBenchmarks } });
        var variance = ImageFiles.SvgTexts(ImageFiles.Svg((await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ExplainedVariance, Dataset = "plot-base", Decomposition = decomposition, Format = V1.PlotFormat.Svg })).Content.ToByteArray()));
        Assert.Contains((100 * d.ExplainedVarianceRatio[0]).ToString("F1", CultureInfo.InvariantCulture) + "%", variance);

        var efficiency = ImageFiles.SvgTexts(ImageFiles.Svg((await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.FamilyEfficiency, Dataset = "plot-base", Decomposition = decomposition, Format = V1.PlotFormat.Svg })).Content.ToByteArray()));
        foreach (var f in d.Families.Where(f => f.Component == 1))
        {
            Assert.Contains(efficiency, t => t.StartsWith(f.Family + " (R²=", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task Item_response_figures_of_the_base_models()
    {
        PaperData.SkipIfAbsent();
        await Uploads.ImportAsync(Client, "plot-irt", PaperDatasets.LoadBase(PaperData.Open));
        var decomposition = new V1.PlotDecomposition { Metrics = { PaperMetrics.BaseBenchmarks }, CapabilityModel = V1.CapabilityModel.Irt };
        var d = await Client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/plot-irt", Metrics = { PaperMetrics.BaseBenchmarks }, CapabilityModel = V1.CapabilityModel.Irt });
        Assert.NotEmpty(d.IrtFamilies);
        Assert.All(d.IrtFamilies, f => Assert.Equal(1, f.Component));

        // Each family's capability C against compute: its legend entries are the decomposition's IRT families, not the PCs'.
        var efficiency = ImageFiles.SvgTexts(ImageFiles.Svg((await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.FamilyEfficiency, Dataset = "plot-irt", Decomposition = decomposition, Format = V1.PlotFormat.Svg })).Content.ToByteArray()));
        Assert.Contains("IRT capability C", efficiency);
        foreach (var f in d.IrtFamilies)
        {
            Assert.Contains(f.Family + " (R²=" + f.RSquared.ToString("0.00", CultureInfo.InvariantCulture) + ")", efficiency);
        }

        // The benchmark items are IRT whatever the request's capability model says.
        var items = ImageFiles.SvgTexts(ImageFiles.Svg((await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.BenchmarkItems, Dataset = "plot-irt", Decomposition = new V1.PlotDecomposition { Metrics = { PaperMetrics.BaseBenchmarks } }, Format = V1.PlotFormat.Svg })).Content.ToByteArray()));
        foreach (var b in d.ItemResponse.Benchmarks)
        {
            Assert.Contains(items, t => t.StartsWith(b.Name + " (D=" + b.Difficulty.ToString("0.00", CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        Assert.Contains(items, t => t.EndsWith(", anchor)", StringComparison.Ordinal));
        foreach (var kind in new[] { V1.PlotKind.FamilyEfficiency, V1.PlotKind.BenchmarkItems })
        {
            var png = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = kind, Dataset = "plot-irt", Decomposition = decomposition, Width = 1100, Height = 640 });
            Assert.Equal((1100, 640), ImageFiles.PngSize(png.Content.ToByteArray()));
            ImageFiles.Save($"base-irt-{kind.ToString().ToLowerInvariant()}.png", png.Content.ToByteArray());
        }

        await Rpc.InvalidAsync(
            async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.BenchmarkItems, Dataset = "plot-irt", Decomposition = new V1.PlotDecomposition { Metrics = { PaperMetrics.BaseBenchmarks }, Irt = new V1.IrtSettings { AnchorBenchmark = "nope" } } }),
            "decomposition.irt.anchor_benchmark",
            "nope");
    }

    [Fact]
    public async Task Backtest_rows_sent_by_the_client_are_drawn_as_given()
    {
        var request = new V1.RenderPlotRequest { Kind = V1.PlotKind.BacktestComparison, Format = V1.PlotFormat.Svg, Title = "Given rows" };
        request.BacktestBars.Add(new V1.PlotBacktestBar { Label = "PC-1..3", TrainMse = 0.002, TestMse = 0.004 });
        request.BacktestBars.Add(new V1.PlotBacktestBar { Label = "ln FLOPs", TrainMse = 0.003, TestMse = 0.0251 });
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg((await Client.RenderPlotAsync(request)).Content.ToByteArray()));
        Assert.Contains("Given rows", texts);
        Assert.Contains("0.0251", texts);
        Assert.Contains("ln FLOPs", texts);
    }

    [Fact]
    public async Task Unknown_kind_and_zero_width_are_reported_together()
    {
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = (V1.PlotKind)42, Width = 0, Dataset = "x" }));
        Rpc.Violation(status, "kind", "42");
        Rpc.Violation(status, "width", "0");
        await Rpc.InvalidAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Dataset = "x" }), "kind", "Unspecified");
        await Rpc.InvalidAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.Loadings, Dataset = "x", Height = 9001 }), "height", "9001");
    }

    [Fact]
    public async Task Missing_names_and_unknown_resources()
    {
        await Rpc.InvalidAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ScalingCurve }), "fit", "");
        await Rpc.InvalidAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.Loadings }), "dataset", "");
        await Rpc.InvalidAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.BacktestComparison }), "fit", "");
        await Rpc.NotFoundAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ScalingCurve, Fit = "datasets/nope/fits/none" }), "Fit", "datasets/nope/fits/none");
    }

    [Fact]
    public async Task A_fit_without_held_out_models_has_no_test_points_to_draw()
    {
        // CreateFit refuses an empty test part, but a stored fit can lose its test rows (all of them lacking the
        // predictor); store such a fit directly to check what the plot says about it.
        await Uploads.ImportAsync(Client, "plot-noholdout", Rpc.SmallZoo());
        var fit = await Uploads.FitAsync(Client, "plot-noholdout", Rpc.DownstreamSpec(), "with-test");
        var trainOnly = fit.Clone();
        trainOnly.Name = "datasets/plot-noholdout/fits/train-only";
        trainOnly.Predictions.Clear();
        trainOnly.Predictions.AddRange(fit.Predictions.Where(p => p.InTrain));
        shared.Server.Services.GetRequiredService<SqliteStore>().PutFit("plot-noholdout", "train-only", trainOnly, false);
        var why = await Rpc.InvalidAsync(async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ScalingCurve, Fit = trainOnly.Name }), "fit", trainOnly.Name);
        Assert.Contains("held-out", why, StringComparison.Ordinal);

        // The original, with its test models, draws.
        var png = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ScalingCurve, Fit = fit.Name });
        Assert.Equal((900, 600), ImageFiles.PngSize(png.Content.ToByteArray()));
    }

    [Fact]
    public async Task Decomposition_settings_are_checked_as_fields_of_the_plot_request()
    {
        await Uploads.ImportAsync(Client, "plot-zoo", Rpc.SmallZoo());
        await Rpc.InvalidAsync(
            async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.Loadings, Dataset = "plot-zoo", Decomposition = new V1.PlotDecomposition { Metrics = { "bench-1", "no-such-bench" } } }),
            "decomposition.metrics[1]",
            "no-such-bench");
        await Rpc.InvalidAsync(
            async () => await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.FamilyEfficiency, Dataset = "plot-zoo", Decomposition = new V1.PlotDecomposition { Components = 3, Component = 4 } }),
            "decomposition.component",
            "4");

        // The synthetic zoo's decomposition, drawn: families and a sane size.
        var png = await Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.FamilyEfficiency, Dataset = "plot-zoo", Decomposition = new V1.PlotDecomposition { Component = 2 } });
        Assert.Equal((900, 600), ImageFiles.PngSize(png.Content.ToByteArray()));
    }
}
