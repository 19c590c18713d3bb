using ObsScaling.Core.Backtests;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>
/// What a BacktestRequest asks the engine to run, checked against the dataset before any work starts: used by the
/// Backtest RPC and by the backtest plot of a fit.
/// </summary>
internal sealed record BacktestPlan(HoldoutOptions Options, IReadOnlyList<PredictorSet> Sets, BacktestMode Mode, IReadOnlyList<string>? Families, CutoffSweepOptions Sweep)
{
    public static BacktestPlan From(V1.BacktestRequest request, ModelSet models)
    {
        var options = SpecMapping.ToOptions(request.Spec ?? throw new ObsValidationException("spec", "", "required"), models);
        PredictorSet[] sets = request.Compare.Count > 0
            ? request.Compare.Select((p, i) => SpecMapping.ToPredictors(p, $"compare[{i}]")).ToArray()
            : [options.Predictors, PredictorSet.LogFlops, PredictorSet.LogParameters];
        var mode = request.Mode switch
        {
            V1.BacktestMode.Unspecified or V1.BacktestMode.Holdout => BacktestMode.Holdout,
            V1.BacktestMode.LeaveOneFamilyOut => BacktestMode.LeaveOneFamilyOut,
            V1.BacktestMode.CutoffSweep => BacktestMode.CutoffSweep,
            var m => throw new ObsValidationException("mode", m.ToString(), "unknown backtest mode"),
        };

        // Without sweep settings the default grid applies; settings that name no share are an empty sweep.
        var sweep = new CutoffSweepOptions();
        if (request.Sweep is { } s)
        {
            sweep = sweep with { HeldOutShares = s.HeldOutShares.ToArray(), Column = Unset.Or(s.Column, sweep.Column) };
        }

        return new BacktestPlan(options, sets, mode, request.LeaveOneFamilyOut?.Families.ToArray(), sweep);
    }

    /// <summary>Runs the plan (heavy: callers run it through <see cref="Services.HeavyWork"/>).</summary>
    public BacktestTable Run(ModelSet models, IProgress<BacktestProgress>? progress, CancellationToken cancellationToken) =>
        FieldPaths.Run(
            () => Mode switch
            {
                BacktestMode.LeaveOneFamilyOut => BacktestComparison.LeaveOneFamilyOut(models, Options, Sets, Families, progress, cancellationToken),
                BacktestMode.CutoffSweep => BacktestComparison.CutoffSweep(models, Options, Sets, Sweep, progress, cancellationToken),
                _ => BacktestComparison.Holdout(models, Options, Sets, progress, cancellationToken),
            },
            BacktestField);

    /// <summary>The engine's paths as BacktestRequest fields: spec fields under spec, sweep and fold settings under theirs.</summary>
    private static string BacktestField(string field)
    {
        var head = field.Split('.', '[')[0];
        return head switch
        {
            "compare" => field,
            "held_out_shares" or "column" => "sweep." + field,
            "families" => "leave_one_family_out." + field,
            _ => FieldPaths.InSpec("spec")(field),
        };
    }
}
