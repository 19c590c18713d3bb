using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Renders a figure of a fit, a decomposition or a backtest on the server and writes it to a PNG or SVG file.
/// Takes -Fit and -Dataset from piped laws, capability objects and backtest rows; piped input makes one file, drawn
/// once the pipeline ends (so a decomposition's space, which comes last, supplies its metrics).
/// </summary>
[Cmdlet(VerbsData.Export, "ObsPlot", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportObsPlot : ObsCmdlet
{
    private readonly List<ObsBacktestRow> _rows = [];
    private readonly HashSet<string> _fits = new(StringComparer.Ordinal);
    private readonly HashSet<string> _datasets = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0)]
    public ObsPlotKind Kind { get; set; }

    /// <summary>The file written; its extension (.png, .svg) gives the format unless -Format is set.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The fit drawn (ScalingCurve) or backtested (BacktestComparison): an ID with -Dataset, or datasets/{d}/fits/{f}.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FitCompleter))]
    public string? Fit { get; set; }

    /// <summary>The dataset decomposed (ExplainedVariance, Loadings, FamilyEfficiency).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string? Dataset { get; set; }

    /// <summary>Benchmarks decomposed; binds from a piped capability space's Metrics.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Metrics")]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? Metric { get; set; }

    /// <summary>Components kept by the decomposition (default 5).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Components { get; set; }

    /// <summary>FamilyEfficiency: the 1-based component drawn (default 1).</summary>
    [Parameter]
    public int Component { get; set; }

    /// <summary>Backtest rows from Invoke-ObsBacktest, drawn as given.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ObsBacktestRow[]? BacktestRow { get; set; }

    /// <summary>Pixels (PNG) or SVG units, 320–8000 (default 900).</summary>
    [Parameter]
    public int Width { get; set; }

    /// <summary>Pixels (PNG) or SVG units, 320–8000 (default 600).</summary>
    [Parameter]
    public int Height { get; set; }

    /// <summary>FamilyEfficiency: Irt draws each family's item-response capability C; binds from a piped capability space.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ObsCapabilityModel CapabilityModel { get; set; }

    /// <summary>The anchor of the item-response scale (FamilyEfficiency with Irt, BenchmarkItems).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string? IrtAnchorBenchmark { get; set; }

    /// <summary>The benchmarks' chance levels as the item-response floors (FamilyEfficiency with Irt, BenchmarkItems).</summary>
    [Parameter]
    public SwitchParameter IrtChanceFloors { get; set; }

    /// <summary>Ridge λ of the item-response fit (FamilyEfficiency with Irt, BenchmarkItems).</summary>
    [Parameter]
    public double IrtRidge { get; set; }

    [Parameter]
    public ObsPlotFormat Format { get; set; }

    [Parameter]
    public string? Title { get; set; }

    protected override void ProcessRecord()
    {
        if (BacktestRow is not null)
        {
            _rows.AddRange(BacktestRow.Where(r => r is not null));
        }

        if (!string.IsNullOrEmpty(Fit))
        {
            _fits.Add(Names.Fit(Fit, Dataset));
        }

        if (!string.IsNullOrEmpty(Dataset))
        {
            _datasets.Add(Names.Dataset(Dataset));
        }
    }

    protected override void EndProcessing()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var format = ResolveFormat(path);
        var request = new V1.RenderPlotRequest
        {
            Kind = Kind switch
            {
                ObsPlotKind.ScalingCurve => V1.PlotKind.ScalingCurve,
                ObsPlotKind.ExplainedVariance => V1.PlotKind.ExplainedVariance,
                ObsPlotKind.Loadings => V1.PlotKind.Loadings,
                ObsPlotKind.FamilyEfficiency => V1.PlotKind.FamilyEfficiency,
                ObsPlotKind.BacktestComparison => V1.PlotKind.BacktestComparison,
                ObsPlotKind.BenchmarkItems => V1.PlotKind.BenchmarkItems,
                _ => throw new PSArgumentOutOfRangeException(nameof(Kind), Kind, "unknown figure"),
            },
            Format = format == ObsPlotFormat.Svg ? V1.PlotFormat.Svg : V1.PlotFormat.Png,
            Title = Title ?? "",
        };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Width)))
        {
            request.Width = Width;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(Height)))
        {
            request.Height = Height;
        }

        if (Kind == ObsPlotKind.BacktestComparison && _rows.Count > 0)
        {
            request.BacktestBars.AddRange(_rows.Select(r => new V1.PlotBacktestBar { Label = r.Predictors, TrainMse = r.TrainMse ?? 0, TestMse = r.TestMse ?? 0, Unavailable = r.Unavailable ?? "" }));
        }
        else if (Kind is ObsPlotKind.ScalingCurve or ObsPlotKind.BacktestComparison)
        {
            request.Fit = Single(_fits, "Fit", "a fit (-Fit, or pipe a law from Invoke-ObsFit or Get-ObsFit)");
        }
        else
        {
            request.Dataset = Single(_datasets, "Dataset", "a dataset (-Dataset, or pipe Invoke-ObsDecomposition)");
            request.Decomposition = new V1.PlotDecomposition { Components = Components, Component = Component };
            request.Decomposition.Metrics.AddRange(Metric ?? []);
            // The benchmark items are IRT whatever -CapabilityModel says (a piped PCA space binds Pca).
            var model = Kind == ObsPlotKind.BenchmarkItems ? ObsCapabilityModel.Irt : CapabilityModel;
            if (ObsIrtSettings.Resolve(this, model, IrtAnchorBenchmark, IrtChanceFloors, IrtRidge) is { } irt)
            {
                request.Decomposition.CapabilityModel = V1.CapabilityModel.Irt;
                request.Decomposition.Irt = irt;
            }
        }

        if (!ShouldProcess(path, $"Write {Kind} figure"))
        {
            return;
        }

        V1.PlotImage? image = null;
        if (!TryCall(() => image = Await(Client.RenderPlotAsync(request, Call()).ResponseAsync), path))
        {
            return;
        }

        try
        {
            File.WriteAllBytes(path, image!.Content.ToByteArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ObsPlotWriteFailed", ErrorCategory.WriteError, path));
        }

        WriteObject(new FileInfo(path));
    }

    /// <summary>-Format, else the extension; a .png path with -Format Svg (or the reverse) is refused rather than mislabelled.</summary>
    private ObsPlotFormat ResolveFormat(string path)
    {
        var extension = System.IO.Path.GetExtension(path).ToUpperInvariant();
        ObsPlotFormat? byExtension = extension switch
        {
            ".PNG" => ObsPlotFormat.Png,
            ".SVG" => ObsPlotFormat.Svg,
            _ => null,
        };
        var explicitFormat = MyInvocation.BoundParameters.ContainsKey(nameof(Format));
        if (explicitFormat && byExtension is { } e && e != Format)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Format {Format} does not match the extension of '{path}'."), "ObsPlotFormatMismatch", ErrorCategory.InvalidArgument, path));
        }

        if (!explicitFormat && byExtension is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Cannot tell the image format from '{path}': use a .png or .svg path, or -Format."), "ObsPlotFormatUnknown", ErrorCategory.InvalidArgument, path));
        }

        return explicitFormat ? Format : byExtension!.Value;
    }

    private string Single(HashSet<string> names, string parameter, string what)
    {
        if (names.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{Kind} needs {what}."), "ObsPlotMissing" + parameter, ErrorCategory.InvalidArgument, null));
        }

        if (names.Count > 1)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Export-ObsPlot writes one file, but {names.Count} {parameter.ToLowerInvariant()}s were given: {string.Join(", ", names)}."), "ObsPlotSeveral" + parameter, ErrorCategory.InvalidArgument, names.ToArray()));
        }

        return names.First();
    }
}
