using Grpc.Core;
using ObsScaling.Core.Backtests;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>Backtest: a law and its baselines scored on held-out models (holdout, leave one family out, cutoff sweep).</summary>
internal sealed class BacktestHandlers(IDatasetStore store, HeavyWork work)
{
    public async Task Backtest(V1.BacktestRequest request, IServerStreamWriter<V1.BacktestEvent> responseStream, ServerCallContext context)
    {
        var id = CallScope.DatasetId("dataset", request.Dataset, context);
        var (dataset, models) = store.LoadDataset(id);
        var plan = BacktestPlan.From(request, models);
        var table = await work.RunReportingEachAsync<BacktestTable, BacktestProgress>(
            (progress, ct) => plan.Run(models, progress, ct),
            p => responseStream.WriteAsync(new V1.BacktestEvent { Progress = new V1.Progress { Stage = p.Stage, Fraction = p.Fraction, Message = p.Message } }, context.CancellationToken),
            context.CancellationToken).ConfigureAwait(false);
        var result = new V1.BacktestResult { DatasetEtag = dataset.Etag, Mode = request.Mode == V1.BacktestMode.Unspecified ? V1.BacktestMode.Holdout : request.Mode };
        result.Rows.AddRange(table.Rows.Select(r => ToProto(r, plan.Options)));
        await responseStream.WriteAsync(new V1.BacktestEvent { Result = result }, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>One row of the engine's table as the contract reports it (also what the backtest plot draws).</summary>
    internal static V1.BacktestRow ToProto(BacktestRow r, HoldoutOptions options)
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
}
