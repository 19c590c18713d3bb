using System.Text.Json;
using Grpc.Core;
using ObsScaling.Core.Import;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// Backtest modes through the RPC (TestHost): leave one family out and the cutoff sweep on the paper's
/// post-training data against tests/golden/backtests_reference.py, the predictor-set table with coverage on a
/// synthetic zoo, and bad inputs as INVALID_ARGUMENT naming the request field.
/// </summary>
public class BacktestTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private readonly V1.ObsScaling.ObsScalingClient _client = shared.Client;

    private static readonly Lazy<JsonElement> Reference = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "backtests_reference.json")));
        return doc.RootElement.Clone();
    });

    private static V1.FitSpec PostTrainingSpec() => new()
    {
        Target = PaperAnalyses.GsmCot,
        CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks },
        Loss = V1.Loss.Huber,
        HuberDelta = 1,
        Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = 84 },
    };

    private static IEnumerable<V1.Predictors> PaperSets() =>
    [
        new V1.Predictors { Kind = V1.PredictorKind.PrincipalComponents, Components = 3 },
        new V1.Predictors { Kind = V1.PredictorKind.LogFlops },
        new V1.Predictors { Kind = V1.PredictorKind.Metrics, Metrics = { "MMLU" } },
    ];

    private async Task<(V1.BacktestResult Result, List<V1.Progress> Progress)> RunAsync(V1.BacktestRequest request)
    {
        using var call = _client.Backtest(request);
        var events = await call.ResponseStream.ReadAllAsync().ToListAsync();
        return (events.Single(e => e.EventCase == V1.BacktestEvent.EventOneofCase.Result).Result, events.Where(e => e.EventCase == V1.BacktestEvent.EventOneofCase.Progress).Select(e => e.Progress).ToList());
    }

    [SkippableFact]
    public async Task Leave_one_family_out_and_sweep_on_the_post_training_analysis_match_the_reference()
    {
        PaperData.SkipIfAbsent();
        var dataset = "posttrain-" + Guid.NewGuid().ToString("N")[..8];
        await Uploads.ImportAsync(_client, dataset, PaperAnalyses.PostTraining(PaperData.Open, PaperAnalyses.GsmCot).Models);

        var (lofo, progress) = await RunAsync(new V1.BacktestRequest { Dataset = dataset, Spec = PostTrainingSpec(), Compare = { PaperSets() }, Mode = V1.BacktestMode.LeaveOneFamilyOut });
        Assert.Equal(V1.BacktestMode.LeaveOneFamilyOut, lofo.Mode);
        var expected = Reference.Value.GetProperty("leave_one_family_out").EnumerateArray().ToArray();
        Assert.Equal(["PC-1..3", "ln FLOPs", "MMLU"], lofo.Rows.Select(r => r.Predictors));
        for (var s = 0; s < 3; s++)
        {
            Relative(expected[s].GetProperty("pooled_test_mse").GetDouble(), lofo.Rows[s].TestMse, 1e-5, lofo.Rows[s].Predictors);
            Assert.Equal(expected[s].GetProperty("folds").GetArrayLength(), lofo.Rows[s].Families.Count);
        }

        Assert.True(lofo.Rows[0].Best);
        Assert.Equal(3 * lofo.Rows[0].Families.Count, progress.Count);
        Assert.Equal(progress.Select(p => p.Fraction).Order(), progress.Select(p => p.Fraction));

        var (sweep, _) = await RunAsync(new V1.BacktestRequest
        {
            Dataset = dataset,
            Spec = PostTrainingSpec(),
            Compare = { PaperSets() },
            Mode = V1.BacktestMode.CutoffSweep,
            Sweep = new V1.CutoffSweepSettings { HeldOutShares = { 0.5, 0.1, 0.2, 0.3, 0.4 }, Column = "flops" },
        });
        expected = Reference.Value.GetProperty("cutoff_sweep").EnumerateArray().ToArray();
        for (var s = 0; s < 3; s++)
        {
            Assert.Equal([0.1, 0.2, 0.3, 0.4, 0.5], sweep.Rows[s].Sweep.Select(p => p.HeldOutShare));
            Relative(expected[s].GetProperty("aue").GetDouble(), sweep.Rows[s].AreaUnderError, 1e-5, sweep.Rows[s].Predictors + " AUE");
        }

        Assert.Equal("PC-1..3", Assert.Single(sweep.Rows, r => r.Best).Predictors);
    }

    [Fact]
    public async Task Predictor_sets_compare_in_one_table_with_interval_coverage()
    {
        var dataset = "zoo-" + Guid.NewGuid().ToString("N")[..8];
        await Uploads.ImportAsync(_client, dataset, SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 7, Families = 10, ModelsPerFamily = 5 }).Models);
        var spec = Rpc.DownstreamSpec();
        spec.PcaComponents = 5;
        spec.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.Parametric, Level = 0.8 };
        var request = new V1.BacktestRequest { Dataset = dataset, Spec = spec };
        request.Compare.AddRange(Enumerable.Range(1, 4).Select(k => new V1.Predictors { Kind = V1.PredictorKind.PrincipalComponents, Components = k }));
        request.Compare.Add(new V1.Predictors { Kind = V1.PredictorKind.LogFlops });
        request.Compare.Add(new V1.Predictors { Kind = V1.PredictorKind.LogParameters });
        request.Compare.Add(new V1.Predictors { Kind = V1.PredictorKind.Metrics, Metrics = { "bench-1" } });

        var (table, progress) = await RunAsync(request);
        Assert.Equal(V1.BacktestMode.Holdout, table.Mode);
        Assert.Equal(["PC-1", "PC-1..2", "PC-1..3", "PC-1..4", "ln FLOPs", "ln params", "bench-1"], table.Rows.Select(r => r.Predictors));
        Assert.Equal(7, progress.Count);
        var best = Assert.Single(table.Rows, r => r.Best);
        Assert.StartsWith("PC-", best.Predictors, StringComparison.Ordinal);
        Assert.True(table.Rows.Single(r => r.Predictors == "PC-1..2").TestMse * 3 < table.Rows.Single(r => r.Predictors == "ln FLOPs").TestMse);
        foreach (var row in table.Rows)
        {
            Assert.Equal(0.8, row.Coverage.Level);
            Assert.Equal(row.TestCount, row.Coverage.Count);
            Assert.Equal(row.Predictions.Count(p => !p.InTrain && p.HasLower && p.Lower <= p.Observed && p.Observed <= p.Upper), row.Coverage.Inside);
            Assert.Equal((double)row.Coverage.Inside / row.Coverage.Count, row.Coverage.Share, 12);
        }
    }

    [Theory]
    [InlineData("empty-sweep", "sweep.held_out_shares", "")]
    [InlineData("share-outside", "sweep.held_out_shares[1]", "1.5")]
    [InlineData("unknown-benchmark", "compare[1].metrics[0]", "MMLU")]
    [InlineData("family-without-models", "leave_one_family_out.families[1]", "Llama-2")]
    [InlineData("unknown-mode", "mode", "99")]
    public async Task Bad_inputs_are_invalid_argument_naming_the_field(string problem, string field, string value)
    {
        var dataset = "bad-" + Guid.NewGuid().ToString("N")[..8];
        await Uploads.ImportAsync(_client, dataset, Rpc.SmallZoo());
        var request = new V1.BacktestRequest { Dataset = dataset, Spec = Rpc.DownstreamSpec() };
        switch (problem)
        {
            case "empty-sweep":
                request.Mode = V1.BacktestMode.CutoffSweep;
                request.Sweep = new V1.CutoffSweepSettings();
                break;
            case "share-outside":
                request.Mode = V1.BacktestMode.CutoffSweep;
                request.Sweep = new V1.CutoffSweepSettings { HeldOutShares = { 0.2, 1.5 } };
                break;
            case "unknown-benchmark":
                request.Compare.Add(new V1.Predictors { Kind = V1.PredictorKind.LogFlops });
                request.Compare.Add(new V1.Predictors { Kind = V1.PredictorKind.Metrics, Metrics = { "MMLU" } });
                break;
            case "family-without-models":
                request.Mode = V1.BacktestMode.LeaveOneFamilyOut;
                request.LeaveOneFamilyOut = new V1.LeaveOneFamilyOutSettings { Families = { "family-01", "Llama-2" } };
                break;
            case "unknown-mode":
                request.Mode = (V1.BacktestMode)99;
                break;
        }

        await Rpc.InvalidAsync(() => RunAsync(request), field, value);
    }

    private static void Relative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");
}
