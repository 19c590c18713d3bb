using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Backtests a law against other predictor sets on the same folds, one row per set: the spec's holdout split
/// (default), -LeaveOneFamilyOut, or -Sweep over the share of models held out. The law is given by a stored fit (-Fit, binds from a piped law) or fitted from the same
/// parameters as Invoke-ObsFit.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsBacktest", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(ObsBacktestRow))]
public sealed class InvokeObsBacktest : BacktestCmdlet
{
    public const string SpecSet = "Spec";
    public const string FitSet = "Fit";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SpecSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string Dataset { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string Target { get; set; } = "";

    [Parameter(ParameterSetName = SpecSet)]
    public V1.TransformKind Transform { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public double TransformLow { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public double TransformHigh { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? CapabilityMetric { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public V1.SplitKind Split { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public string? SplitColumn { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public double SplitThreshold { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public double SplitFraction { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public string? ReferenceFamily { get; set; }

    /// <summary>Puts forecast intervals on every prediction, so that rows report their coverage.</summary>
    [Parameter(ParameterSetName = SpecSet)]
    public V1.IntervalMethod Interval { get; set; }

    [Parameter(ParameterSetName = SpecSet)]
    public double IntervalLevel { get; set; }

    /// <summary>A stored law whose specification is backtested (the Fit property of a piped law).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FitSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FitCompleter))]
    public string Fit { get; set; } = "";

    protected override void ProcessRecord()
    {
        string dataset;
        V1.FitSpec? spec = null;
        if (ParameterSetName == FitSet)
        {
            dataset = Names.DatasetId(Fit);
            if (!TryCall(() => spec = Await(Client.GetFitAsync(new V1.GetFitRequest { Name = Fit }, Call()).ResponseAsync).Spec, Fit))
            {
                return;
            }
        }
        else
        {
            dataset = Names.DatasetId(Dataset);
            spec = new V1.FitSpec { Target = Target, ReferenceFamily = ReferenceFamily ?? "" };
            if (Transform != V1.TransformKind.Unspecified)
            {
                spec.Transform = new V1.Transform { Kind = Transform, Low = TransformLow, High = TransformHigh };
            }

            spec.CapabilityMetrics.AddRange(CapabilityMetric ?? []);
            if (Interval != V1.IntervalMethod.Unspecified)
            {
                spec.Intervals = new V1.IntervalSettings { Method = Interval, Level = IntervalLevel };
            }

            if (Split != V1.SplitKind.Unspecified)
            {
                spec.Split = new V1.Split { Kind = Split, Column = SplitColumn ?? "", Threshold = SplitThreshold, Fraction = SplitFraction };
            }
        }

        if (!TryMode(out var mode) || !TryPredictorSets(out var sets))
        {
            return;
        }

        RunBacktest(Request(dataset, spec!, mode, sets), dataset);
    }
}
