using ObsScaling.Core.Backtests;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Synthetic;
using ObsScaling.Core.Uncertainty;

namespace ObsScaling.Core.Tests.Backtests;

/// <summary>Backtests on synthetic zoos with a known truth, and their bad inputs.</summary>
public class BacktestComparisonTests
{
    // Families differ in compute efficiency (spread 0.6 in log10 FLOPs), so capability is not a function of FLOPs:
    // the law on PCs must forecast better than the law on FLOPs, whichever family or top share is held out.
    private static readonly SyntheticZoo Zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 7, Families = 10, ModelsPerFamily = 5 });

    private static readonly PredictorSet[] Compare =
    [
        PredictorSet.PrincipalComponents(1), PredictorSet.PrincipalComponents(2), PredictorSet.PrincipalComponents(3), PredictorSet.PrincipalComponents(4),
        PredictorSet.LogFlops, PredictorSet.LogParameters, PredictorSet.Metrics("bench-1"),
    ];

    private static HoldoutOptions Options => new()
    {
        Target = Zoo.Options.DownstreamName,
        CapabilityMetrics = Zoo.BenchmarkNames,
        Split = HoldoutSplit.TopFraction(ModelColumns.FlopsE21, 0.2),
        ReferenceFamily = "family-01",
    };

    [Fact]
    public void Principal_components_beat_flops_when_families_differ_in_efficiency()
    {
        var holdout = BacktestComparison.Holdout(Zoo.Models, Options, Compare);
        var lofo = BacktestComparison.LeaveOneFamilyOut(Zoo.Models, Options, Compare);
        var sweep = BacktestComparison.CutoffSweep(Zoo.Models, Options, Compare, new CutoffSweepOptions());
        foreach (var table in new[] { holdout, lofo, sweep })
        {
            var pc2 = table.Rows.Single(r => r.Name == "PC-1..2");
            var flops = table.Rows.Single(r => r.Name == "ln FLOPs");
            var best = Assert.Single(table.Rows, r => r.Best);
            Assert.Equal(PredictorKind.PrincipalComponents, best.Predictors.Kind);
            Assert.True(pc2.Score * 3 < flops.Score, $"{table.Mode}: PC-1..2 {pc2.Score:E3} vs ln FLOPs {flops.Score:E3}");
        }

        // Every family is a fold, and the pooled MSE is the forecast-weighted mean of the folds'.
        var row = lofo.Rows[2];
        Assert.Equal(10, row.Families.Count);
        Assert.Equal(50, row.TestCount);
        Assert.Equal(row.Families.Sum(f => f.TestMse * f.TestCount) / 50, row.TestMse, 12);

        // The area under the error curve is the trapezoid rule over the five default shares.
        var points = sweep.Rows[2].Sweep;
        Assert.Equal([0.1, 0.2, 0.3, 0.4, 0.5], points.Select(p => p.HeldOutShare));
        Assert.Equal([5, 10, 15, 20, 25], points.Select(p => p.TestCount));
        var area = Enumerable.Range(1, 4).Sum(i => 0.1 * (points[i].TestMse + points[i - 1].TestMse) / 2);
        Assert.Equal(area, sweep.Rows[2].AreaUnderError!.Value, 12);
    }

    [Fact]
    public void Sweep_holds_out_the_top_models_by_the_column()
    {
        var byFlops = BacktestComparison.CutoffSweep(Zoo.Models, Options, [PredictorSet.PrincipalComponents(2)], new CutoffSweepOptions { HeldOutShares = [0.2] });
        var top = Zoo.Models.Models.OrderByDescending(m => m.FlopsE21).Take(10).Select(m => m.Name).Order();
        var holdout = BacktestComparison.Holdout(Zoo.Models, Options with { Split = HoldoutSplit.Explicit(top) }, [PredictorSet.PrincipalComponents(2)]);
        Assert.Equal(holdout.Rows[0].TestMse, byFlops.Rows[0].Sweep[0].TestMse, 12);

        // Ranking by PC-1 holds out other models than ranking by FLOPs (the families' efficiencies differ).
        var byPc = BacktestComparison.CutoffSweep(Zoo.Models, Options, [PredictorSet.PrincipalComponents(2)], new CutoffSweepOptions { HeldOutShares = [0.2], Column = "PC-1" });
        Assert.NotEqual(byFlops.Rows[0].Sweep[0].TestMse, byPc.Rows[0].Sweep[0].TestMse);
    }

    [Fact]
    public void Coverage_counts_held_out_models_inside_their_interval_at_the_level()
    {
        var options = Options with { Intervals = new IntervalOptions { Method = IntervalMethod.Parametric, Level = 0.8 } };
        var table = BacktestComparison.Holdout(Zoo.Models, options, [PredictorSet.PrincipalComponents(2), PredictorSet.LogFlops]);
        foreach (var row in table.Rows)
        {
            var c = row.Coverage!;
            Assert.Equal(0.8, c.Level);
            Assert.Equal(row.TestCount, c.Count);
            Assert.Equal(row.Holdout!.Test.Count(p => p.Interval!.Lower <= p.Observed && p.Observed <= p.Interval.Upper), c.Inside);
            Assert.Equal(row.Holdout.Coverage!.Value, c.Share, 12);
        }

        var lofo = BacktestComparison.LeaveOneFamilyOut(Zoo.Models, options, [PredictorSet.PrincipalComponents(2)]);
        Assert.Equal(lofo.Rows[0].Families.Sum(f => f.Coverage!.Inside), lofo.Rows[0].Coverage!.Inside);
        Assert.Equal(50, lofo.Rows[0].Coverage!.Count);
        Assert.Null(BacktestComparison.Holdout(Zoo.Models, Options, [PredictorSet.LogFlops]).Rows[0].Coverage);
    }

    [Fact]
    public void Cancellation_stops_the_backtest_between_folds()
    {
        using var cts = new CancellationTokenSource();
        var reports = 0;
        var progress = new InlineProgress(_ =>
        {
            // Cancel as the second fold starts: the first fold may finish, no further one may begin.
            if (++reports == 2)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => BacktestComparison.LeaveOneFamilyOut(Zoo.Models, Options, Compare, null, progress, cts.Token));
        Assert.Equal(2, reports);
        reports = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => BacktestComparison.CutoffSweep(Zoo.Models, Options, Compare, new CutoffSweepOptions(), progress, cts.Token));
        Assert.Equal(1, reports);
    }

    [Fact]
    public void Bad_inputs_name_the_field_and_value()
    {
        var empty = Assert.Throws<ObsValidationException>(() => BacktestComparison.CutoffSweep(Zoo.Models, Options, Compare, new CutoffSweepOptions { HeldOutShares = [] }));
        Assert.Contains(empty.Violations, v => v.Field == "held_out_shares");

        var outside = Assert.Throws<ObsValidationException>(() => BacktestComparison.CutoffSweep(Zoo.Models, Options, Compare, new CutoffSweepOptions { HeldOutShares = [0.1, 1.0, -0.2] }));
        Assert.Equal(["held_out_shares[1]", "held_out_shares[2]"], outside.Violations.Select(v => v.Field));
        Assert.IsNotType<ObsPreconditionException>(outside);

        var column = Assert.Throws<ObsValidationException>(() => BacktestComparison.CutoffSweep(Zoo.Models, Options, Compare, new CutoffSweepOptions { Column = "PC-9" }));
        Assert.Equal("column", Assert.Single(column.Violations).Field);

        var tiny = Assert.Throws<ObsPreconditionException>(() => BacktestComparison.CutoffSweep(Zoo.Models, Options, Compare, new CutoffSweepOptions { HeldOutShares = [0.01] }));
        Assert.Equal("held_out_shares[0]", Assert.Single(tiny.Violations).Field);

        var bench = Assert.Throws<ObsValidationException>(() => BacktestComparison.Holdout(Zoo.Models, Options, [PredictorSet.LogFlops, PredictorSet.Metrics("MMLU")]));
        var v = Assert.Single(bench.Violations);
        Assert.Equal(("compare[1].metrics[0]", "MMLU"), (v.Field, v.Value));

        var family = Assert.Throws<ObsValidationException>(() => BacktestComparison.LeaveOneFamilyOut(Zoo.Models, Options, Compare, ["family-02", "Llama-2"]));
        v = Assert.Single(family.Violations);
        Assert.Equal(("families[1]", "Llama-2"), (v.Field, v.Value));

        var none = Assert.Throws<ObsValidationException>(() => BacktestComparison.Holdout(Zoo.Models, Options, []));
        Assert.Equal("compare", Assert.Single(none.Violations).Field);
    }

    [Fact]
    public void A_set_unavailable_on_some_folds_is_reported_there_and_pooled_over_the_rest()
    {
        // family-03 has no FLOPs: ln FLOPs cannot forecast it, PCs can.
        var models = new ModelSet(
            Zoo.Models.Models.Select(m => m.Family == "family-03" ? m with { FlopsE21 = null, TokensT = null } : m),
            Zoo.Models.OrderedMetrics());
        var table = BacktestComparison.LeaveOneFamilyOut(models, Options, [PredictorSet.PrincipalComponents(2), PredictorSet.LogFlops]);
        var flops = table.Rows[1];
        Assert.Contains("no model", flops.Families.Single(f => f.Family == "family-03").Unavailable, StringComparison.Ordinal);
        Assert.Equal(45, flops.TestCount);
        Assert.Equal(50, table.Rows[0].TestCount);
        Assert.Equal(50, Assert.Single(table.Rows, r => r.Best).TestCount);
    }

    private sealed class InlineProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }
}
