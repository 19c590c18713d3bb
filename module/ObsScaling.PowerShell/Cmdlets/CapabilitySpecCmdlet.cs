using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// The one definition of the spec parameters every analysis on a capability axis shares (the capability metrics,
/// components, reference family, split and intervals): Compare-ObsTechnique takes these, and
/// <see cref="FitSpecCmdlet"/> adds the law's own. The spec is built from the parameters actually bound, over a -Spec
/// (or piped) ObsFitSpec, so a parameter left out keeps the base spec's value and one that cannot take effect is
/// refused instead of dropped.
/// </summary>
public abstract class CapabilitySpecCmdlet : ObsCmdlet
{
    /// <summary>A spec from New-ObsFitSpec (or a stored fit's Spec); the spec parameters given override it.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ObsFitSpec? Spec { get; set; }

    /// <summary>Number of PCs used as predictors (default 3).</summary>
    [Parameter]
    public int Components { get; set; }

    /// <summary>Benchmarks imputed and decomposed into PCs (default: every [0, 1] metric but the target).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? CapabilityMetric { get; set; }

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
    /// The spec: <paramref name="baseSpec"/> (else -Spec) overridden by the bound spec parameters, then the command's
    /// <paramref name="defaults"/>, resolved and checked by <paramref name="checks"/>; null after one error record per
    /// parameter that cannot take effect.
    /// </summary>
    internal ObsFitSpec? BuildSpec(ObsFitSpec? baseSpec = null, bool requireTarget = true, Action<ObsFitSpec>? defaults = null, Func<ObsFitSpec, IEnumerable<SpecProblem>>? checks = null)
    {
        var spec = (baseSpec ?? Spec)?.Clone() ?? new ObsFitSpec();
        spec.Apply(MyInvocation.BoundParameters);
        defaults?.Invoke(spec);
        var problems = spec.Resolve().ToList();
        problems.AddRange(checks?.Invoke(spec) ?? []);
        if (requireTarget && string.IsNullOrWhiteSpace(spec.Target))
        {
            problems.Insert(0, new SpecProblem(nameof(ObsFitSpec.Target), "", "required: the metric to forecast (or a -Spec from New-ObsFitSpec that names it)"));
        }

        foreach (var p in problems)
        {
            WriteError(ObsErrors.Parameter(p));
        }

        return problems.Count == 0 ? spec : null;
    }
}
