using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Backtests a law against other predictor sets on the same folds, one row per set: the spec's holdout split
/// (default), -LeaveOneFamilyOut, or -Sweep over the share of models held out. The law is given by a stored fit
/// (-Fit, binds from a piped law), a -Spec (New-ObsFitSpec, or piped), or the spec parameters of Invoke-ObsFit;
/// spec parameters given with -Fit or -Spec override that spec.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsBacktest", DefaultParameterSetName = SpecSet)]
[OutputType(typeof(ObsBacktestRow))]
public sealed class InvokeObsBacktest : FitSpecCmdlet, IBacktestModes
{
    public const string SpecSet = "Spec";
    public const string FitSet = "Fit";

    // Not bound from the pipeline by property name: a piped law has a Dataset property too, and binding it here made
    // `Get-ObsFit ds law | Invoke-ObsBacktest` choose this set (and ask for -Target) instead of backtesting the law.
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SpecSet)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string Dataset { get; set; } = "";

    /// <summary>A stored law whose specification is backtested (the Fit property of a piped law).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FitSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FitCompleter))]
    public string Fit { get; set; } = "";

    /// <summary>Predictor sets compared on the same folds: PC1..PC5 (the first k PCs), LogFlops, LogParams, Irt (the item-response capability), Benchmark:&lt;metric&gt;.</summary>
    [Parameter]
    public string[]? Compare { get; set; }

    /// <summary>Each family in turn is forecast by a law fitted on the others.</summary>
    [Parameter]
    public SwitchParameter LeaveOneFamilyOut { get; set; }

    /// <summary>With -LeaveOneFamilyOut: only these families are forecast (default every family with the target).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(FamilyCompleter))]
    public string[]? Family { get; set; }

    /// <summary>Holds out the top share of models by -SweepColumn for each -HeldOutShare, and reports the area under the error curve.</summary>
    [Parameter]
    public SwitchParameter Sweep { get; set; }

    /// <summary>Shares of the models held out by -Sweep, each in (0, 1) (default 0.1, 0.2, 0.3, 0.4, 0.5).</summary>
    [Parameter]
    public double[]? HeldOutShare { get; set; }

    /// <summary>The column -Sweep ranks models by: FLOPs (default), a metric, @target, or PC-k.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SplitColumnCompleter))]
    public string? SweepColumn { get; set; }

    protected override void ProcessRecord()
    {
        string dataset;
        ObsFitSpec? stored = null;
        if (ParameterSetName == FitSet)
        {
            dataset = Names.DatasetId(Fit);
            if (!TryCall(() => stored = ObsFitSpec.FromProto(Await(Client.GetFitAsync(new V1.GetFitRequest { Name = Fit }, Call()).ResponseAsync).Spec), Fit))
            {
                return;
            }
        }
        else
        {
            dataset = Names.DatasetId(Dataset);
        }

        if (!this.TryMode(this, out var mode) || !this.TryPredictorSets(this, out var sets) || BuildSpec(stored) is not { } spec)
        {
            return;
        }

        this.RunBacktest(this.Request(dataset, spec.ToProto(), mode, sets), dataset);
    }
}
