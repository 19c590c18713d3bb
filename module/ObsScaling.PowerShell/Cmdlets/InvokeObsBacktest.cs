using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Holdout evaluation of a law against the compute baselines (ln FLOPs, ln parameters) on the same split: one row
/// per predictor set. The law is given by a stored fit (-Fit, binds from a piped law) or fitted from the same
/// parameters as Invoke-ObsFit.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsBacktest", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(ObsBacktestRow))]
public sealed class InvokeObsBacktest : ObsCmdlet
{
    public const string SpecSet = "Spec";
    public const string FitSet = "Fit";
    private const int ProgressId = 3;

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
            if (Split != V1.SplitKind.Unspecified)
            {
                spec.Split = new V1.Split { Kind = Split, Column = SplitColumn ?? "", Threshold = SplitThreshold, Fraction = SplitFraction };
            }
        }

        var activity = $"Backtesting {spec!.Target} on {dataset}";
        TryCall(
            () =>
            {
                using var call = Client.Backtest(new V1.BacktestRequest { Dataset = Names.Dataset(dataset), Spec = spec }, Call());
                while (Next(call.ResponseStream))
                {
                    var e = call.ResponseStream.Current;
                    if (e.EventCase == V1.BacktestEvent.EventOneofCase.Progress)
                    {
                        Progress(ProgressId, activity, e.Progress);
                    }
                    else if (e.EventCase == V1.BacktestEvent.EventOneofCase.Result)
                    {
                        CompleteProgress(ProgressId, activity);
                        WriteObject(
                            e.Result.Rows.Select(r => new ObsBacktestRow
                            {
                                Dataset = dataset,
                                Target = spec.Target,
                                Predictors = r.Predictors,
                                TrainMse = r.TrainMse,
                                TestMse = r.TestMse,
                                TrainCount = r.TrainCount,
                                TestCount = r.TestCount,
                                Best = r.Best,
                                Formula = r.Law?.Formula ?? "",
                                Unavailable = r.Unavailable,
                            }),
                            enumerateCollection: true);
                    }
                }
            },
            dataset);
    }
}
