using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// The one definition of the fit-spec parameters (New-ObsFitSpec, Invoke-ObsFit, Invoke-ObsBacktest). The spec is
/// built from the parameters actually bound, over a -Spec (or piped) ObsFitSpec, so a parameter left out keeps the
/// base spec's value and one that cannot take effect is refused instead of dropped.
/// </summary>
public abstract class FitSpecCmdlet : ObsCmdlet
{
    /// <summary>A spec from New-ObsFitSpec (or a stored fit's Spec); the spec parameters given override it.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ObsFitSpec? Spec { get; set; }

    /// <summary>The metric to forecast.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Target { get; set; }

    [Parameter]
    public ObsTransformKind Transform { get; set; }

    /// <summary>Lower bound of -Transform MinMax (implies it).</summary>
    [Parameter]
    public double TransformLow { get; set; }

    /// <summary>Upper bound of -Transform MinMax (implies it).</summary>
    [Parameter]
    public double TransformHigh { get; set; }

    [Parameter]
    public ObsPredictorKind Predictor { get; set; }

    /// <summary>Number of PCs used as predictors (default 3).</summary>
    [Parameter]
    public int Components { get; set; }

    /// <summary>Benchmarks used as predictors (implies -Predictor Metrics).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? PredictorMetric { get; set; }

    /// <summary>Benchmarks imputed and decomposed into PCs (default: every [0, 1] metric but the target).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? CapabilityMetric { get; set; }

    [Parameter]
    public int PcaComponents { get; set; }

    [Parameter]
    public ObsLink Link { get; set; }

    [Parameter]
    public ObsLoss Loss { get; set; }

    /// <summary>Huber threshold (implies -Loss Huber).</summary>
    [Parameter]
    public double HuberDelta { get; set; }

    [Parameter]
    public double FloorMax { get; set; }

    [Parameter]
    public ObsSplitKind Split { get; set; }

    /// <summary>Split column: "FLOPs (1E21)", "Model Size (B)", a metric, or "@target".</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SplitColumnCompleter))]
    public string? SplitColumn { get; set; }

    [Parameter]
    public double SplitThreshold { get; set; }

    [Parameter]
    public int SplitCount { get; set; }

    [Parameter]
    public double SplitFraction { get; set; }

    /// <summary>Seed of -Split Random.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Models held out (implies -Split Explicit).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? TestModel { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? ExcludeFromTrain { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(FamilyCompleter))]
    public string? ReferenceFamily { get; set; }

    /// <summary>Forecast intervals: None (default), Parametric, ModelBootstrap or FamilyBootstrap.</summary>
    [Parameter]
    public ObsIntervalMethod Interval { get; set; }

    /// <summary>Nominal coverage of the intervals (default 0.9).</summary>
    [Parameter]
    public double IntervalLevel { get; set; }

    [Parameter]
    public int IntervalSeed { get; set; }

    /// <summary>Bootstrap replicates of the intervals (default 1000).</summary>
    [Parameter]
    public int Resamples { get; set; }

    /// <summary>
    /// The spec: <paramref name="baseSpec"/> (else -Spec) overridden by the bound spec parameters, resolved; null after
    /// one error record per parameter that cannot take effect.
    /// </summary>
    internal ObsFitSpec? BuildSpec(ObsFitSpec? baseSpec = null, bool requireTarget = true)
    {
        var spec = (baseSpec ?? Spec)?.Clone() ?? new ObsFitSpec();
        spec.Apply(MyInvocation.BoundParameters);
        var problems = spec.Resolve().ToList();
        if (requireTarget && string.IsNullOrWhiteSpace(spec.Target))
        {
            problems.Insert(0, new SpecProblem(nameof(Target), "", "required: the metric to forecast (or a -Spec from New-ObsFitSpec that names it)"));
        }

        foreach (var p in problems)
        {
            WriteError(ObsErrors.Parameter(p));
        }

        return problems.Count == 0 ? spec : null;
    }
}
