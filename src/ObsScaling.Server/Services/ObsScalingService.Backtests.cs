using System.Threading.Channels;
using Grpc.Core;
using ObsScaling.Core.Backtests;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

internal sealed partial class ObsScalingService
{
    public override async Task Backtest(V1.BacktestRequest request, IServerStreamWriter<V1.BacktestEvent> responseStream, ServerCallContext context)
    {
        var id = DatasetId("dataset", request.Dataset, context);
        var (dataset, models) = store.LoadDataset(id);
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
            sweep = sweep with { HeldOutShares = s.HeldOutShares.ToArray(), Column = string.IsNullOrEmpty(s.Column) ? sweep.Column : s.Column };
        }

        // The folds run on a worker; their progress reaches the stream through a channel read on this thread.
        var events = Channel.CreateUnbounded<BacktestProgress>(new UnboundedChannelOptions { SingleReader = true });
        var progress = new InlineProgress(p => events.Writer.TryWrite(p));
        var run = compute.RunAsync(
            () =>
            {
                try
                {
                    return FieldPaths.Run(
                        () => mode switch
                        {
                            BacktestMode.LeaveOneFamilyOut => BacktestComparison.LeaveOneFamilyOut(models, options, sets, request.LeaveOneFamilyOut?.Families.ToArray(), progress, context.CancellationToken),
                            BacktestMode.CutoffSweep => BacktestComparison.CutoffSweep(models, options, sets, sweep, progress, context.CancellationToken),
                            _ => BacktestComparison.Holdout(models, options, sets, progress, context.CancellationToken),
                        },
                        BacktestField);
                }
                finally
                {
                    events.Writer.TryComplete();
                }
            },
            context.CancellationToken);

        try
        {
            await foreach (var p in events.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(new V1.BacktestEvent { Progress = new V1.Progress { Stage = p.Stage, Fraction = p.Fraction, Message = p.Message } }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await WorkStoppedAsync(run).ConfigureAwait(false);
            throw;
        }

        var table = await run.ConfigureAwait(false);
        var result = new V1.BacktestResult { DatasetEtag = dataset.Etag, Mode = request.Mode == V1.BacktestMode.Unspecified ? V1.BacktestMode.Holdout : request.Mode };
        result.Rows.AddRange(table.Rows.Select(r => ToProto(r, options)));
        await responseStream.WriteAsync(new V1.BacktestEvent { Result = result }, context.CancellationToken).ConfigureAwait(false);
    }

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

    private static V1.BacktestRow ToProto(BacktestRow r, HoldoutOptions options)
    {
        var row = new V1.BacktestRow
        {
            Predictors = r.Name,
            Unavailable = r.Unavailable ?? "",
            Best = r.Best,
            TrainMse = r.TrainMse,
            TestMse = r.TestMse,
            TrainCount = r.TrainCount,
            TestCount = r.TestCount,
            Coverage = ToProto(r.Coverage),
        };
        if (r.Unavailable is not null)
        {
            row.TrainMse = 0;
            row.TestMse = 0;
        }

        if (r.Holdout is { } h)
        {
            row.Law = FitMapping.ToProto(h.Law, r.Predictors.Names, options.Transform);
            row.Predictions.AddRange(h.All.Select(FitMapping.ToProto));
        }

        if (r.AreaUnderError is { } area)
        {
            row.AreaUnderError = area;
        }

        row.Families.AddRange(r.Families.Select(f => new V1.FamilyError
        {
            Family = f.Family,
            TrainCount = f.TrainCount,
            TestCount = f.TestCount,
            TrainMse = f.Unavailable is null ? f.TrainMse : 0,
            TestMse = f.Unavailable is null ? f.TestMse : 0,
            Coverage = ToProto(f.Coverage),
            Unavailable = f.Unavailable ?? "",
        }));
        row.Sweep.AddRange(r.Sweep.Select(p => new V1.SweepPoint
        {
            HeldOutShare = p.HeldOutShare,
            TrainCount = p.TrainCount,
            TestCount = p.TestCount,
            TrainMse = p.Unavailable is null ? p.TrainMse : 0,
            TestMse = p.Unavailable is null ? p.TestMse : 0,
            Coverage = ToProto(p.Coverage),
            Unavailable = p.Unavailable ?? "",
        }));
        return row;
    }

    private static V1.IntervalCoverage? ToProto(IntervalCoverage? c) =>
        c is null ? null : new V1.IntervalCoverage { Inside = c.Inside, Count = c.Count, Level = c.Level, Share = c.Share };

    /// <summary>IProgress that runs its callback inline (System.Progress posts to a context we do not want).</summary>
    private sealed class InlineProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }
}
