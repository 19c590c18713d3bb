using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>Export-ObsPlot in hosted pipelines against a real server: files written, their format and size, errors.</summary>
public sealed class ExportPlotTests(KestrelServer server) : IClassFixture<KestrelServer>, IDisposable
{
    // Each test fits in its own dataset: the server is shared by the class.
    private const string Fit = "Invoke-ObsFit $dataset -Target downstream -CapabilityMetric bench-1, bench-2, bench-3, bench-4 -Split Random -SplitFraction 0.25 -Seed 3 -ReferenceFamily family-01 -Name law";

    private readonly string _directory = Directory.CreateTempSubdirectory("obs-ps-plot-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_piped_law_becomes_a_scaling_curve_file()
    {
        using var host = Zoo();
        var svgPath = Path.Combine(_directory, "curve.svg");
        var file = ModuleHost.Base<FileInfo>(host.RunClean($"{Fit} | Export-ObsPlot ScalingCurve $path", Vars(svgPath)).Single());
        Assert.Equal(svgPath, file.FullName);
        var doc = ImageFiles.Svg(File.ReadAllBytes(svgPath));
        Assert.Equal("0 0 900 600", doc.Root!.Attribute("viewBox")?.Value);
        var texts = ImageFiles.SvgTexts(doc);
        Assert.Contains("family-01-equivalent FLOPs", texts);
        Assert.Contains("family-02", texts);

        // A stored law by name, relative path, PNG at a chosen size.
        var png = ModuleHost.Base<FileInfo>(host.RunClean("$null = $ExecutionContext.SessionState.Path.SetLocation($dir); Export-ObsPlot ScalingCurve curve.png -Fit law -Dataset $dataset -Width 700 -Height 450", new Dictionary<string, object?> { ["dir"] = _directory }).Single());
        Assert.Equal(Path.Combine(_directory, "curve.png"), png.FullName);
        Assert.Equal((700, 450), ImageFiles.PngSize(File.ReadAllBytes(png.FullName)));
    }

    [Fact]
    public void A_decomposition_pipeline_writes_one_file_with_the_space_metrics()
    {
        using var host = Zoo();
        var path = Path.Combine(_directory, "loadings.svg");

        // Every model's capability object comes first, the space (with its Metrics) last: one file, three benchmarks.
        var output = host.RunClean("Invoke-ObsDecomposition $dataset -Metric bench-1, bench-2, bench-5 -Components 2 | Export-ObsPlot Loadings $path", Vars(path));
        Assert.Single(output);
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(File.ReadAllBytes(path)));
        Assert.Contains("bench-5", texts);
        Assert.DoesNotContain("bench-3", texts);
        Assert.Contains("PC-2", texts);
        Assert.DoesNotContain("PC-3", texts);

        var png = Path.Combine(_directory, "variance.png");
        host.RunClean("Invoke-ObsDecomposition $dataset -SpaceOnly | Export-ObsPlot ExplainedVariance $path -Width 640 -Height 480", Vars(png));
        Assert.Equal((640, 480), ImageFiles.PngSize(File.ReadAllBytes(png)));

        var families = Path.Combine(_directory, "families.png");
        host.RunClean("Export-ObsPlot FamilyEfficiency $path -Dataset $dataset -Component 2", Vars(families));
        Assert.Equal((900, 600), ImageFiles.PngSize(File.ReadAllBytes(families)));
    }

    [Fact]
    public void Backtest_rows_piped_in_are_drawn()
    {
        using var host = Zoo();
        host.RunClean($"{Fit} | Out-Null");
        var path = Path.Combine(_directory, "backtest.svg");
        var rows = host.RunClean("Invoke-ObsBacktest -Fit datasets/$dataset/fits/law").Select(ModuleHost.Base<ObsBacktestRow>).ToArray();
        host.RunClean("Invoke-ObsBacktest -Fit datasets/$dataset/fits/law | Export-ObsPlot BacktestComparison $path", Vars(path));
        var texts = ImageFiles.SvgTexts(ImageFiles.Svg(File.ReadAllBytes(path)));
        Assert.All(rows, r => Assert.Contains(texts, t => t.StartsWith(r.Predictors, StringComparison.Ordinal)));
        Assert.Contains("test MSE", texts);
    }

    [Fact]
    public void Bad_arguments_are_errors_with_categories()
    {
        using var host = Zoo();
        var png = Path.Combine(_directory, "bad.png");

        host.Run("Export-ObsPlot -Kind Histogram -Path $path -Dataset $dataset", Vars(png));
        Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(host.Errors).CategoryInfo.Category);

        host.Run("Export-ObsPlot Loadings $path -Dataset $dataset -Width 0", Vars(png));
        var width = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, width.CategoryInfo.Category);
        Assert.Contains("width", width.Exception.Message, StringComparison.Ordinal);

        // Refused before any call: no dataset, no format to tell from the path, a format that contradicts it.
        foreach (var (script, path, id) in new[]
        {
            ("Export-ObsPlot Loadings $path", png, "ObsPlotMissingDataset"),
            ("Export-ObsPlot Loadings $path -Dataset $dataset", Path.Combine(_directory, "figure.txt"), "ObsPlotFormatUnknown"),
            ("Export-ObsPlot Loadings $path -Dataset $dataset -Format Svg", png, "ObsPlotFormatMismatch"),
        })
        {
            host.Run(script, Vars(path));
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.StartsWith(id, error.FullyQualifiedErrorId, StringComparison.Ordinal);
        }

        host.Run("Export-ObsPlot ScalingCurve $path -Fit datasets/$dataset/fits/no-such-fit", Vars(png));
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(host.Errors).CategoryInfo.Category);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void WhatIf_writes_nothing()
    {
        using var host = Zoo();
        var png = Path.Combine(_directory, "whatif.png");
        Assert.Empty(host.RunClean("Export-ObsPlot Loadings $path -Dataset $dataset -WhatIf", Vars(png)));
        Assert.False(File.Exists(png));
    }

    private ModuleHost Zoo([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var host = server.Connect();
        var dataset = "plot-" + (uint)test.GetHashCode(StringComparison.Ordinal);
        host.Runspace.SessionStateProxy.SetVariable("dataset", dataset);
        host.RunClean("New-ObsSyntheticZoo -Seed 4 -Families 5 -ModelsPerFamily 4 | Import-ObsModel -Dataset $dataset -Mode Replace -Confirm:$false | Out-Null");
        return host;
    }

    private static Dictionary<string, object?> Vars(string path) => new() { ["path"] = path };
}
