using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// The fit-spec parameters of a law (New-ObsFitSpec, Invoke-ObsFit, Invoke-ObsBacktest): the target, its transform,
/// the predictors, link, loss and floor, over the capability, split and interval parameters of
/// <see cref="CapabilitySpecCmdlet"/>.
/// </summary>
public abstract class FitSpecCmdlet : CapabilitySpecCmdlet
{
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

    /// <summary>Benchmarks used as predictors (implies -Predictor Metrics).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? PredictorMetric { get; set; }

    /// <summary>The anchor benchmark of -Predictor IrtCapability (implies it; default: the benchmark with the most scores).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string? IrtAnchorBenchmark { get; set; }

    /// <summary>Use the benchmarks' chance levels as the floors of -Predictor IrtCapability (implies it).</summary>
    [Parameter]
    public SwitchParameter IrtChanceFloors { get; set; }

    /// <summary>Ridge λ of -Predictor IrtCapability (implies it; default 1e-6).</summary>
    [Parameter]
    public double IrtRidge { get; set; }

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
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? ExcludeFromTrain { get; set; }
}
