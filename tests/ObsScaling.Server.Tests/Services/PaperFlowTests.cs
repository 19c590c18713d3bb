using Grpc.Core;
using ObsScaling.Core.Import;
using ObsScaling.Server.Tests.Support;
using ObsScaling.Testing;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// import → decompose → fit → forecast → backtest on the paper's public data, in memory and over a real
/// loopback port, with numbers checked against the independent golden values.
/// </summary>
public class PaperFlowTests
{
    private static readonly V1.FitSpec AgentBench = new()
    {
        Target = "ABench-OA",
        Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = 0, High = 10 },
        CapabilityMetrics = { PaperMetrics.InstructBenchmarks },
        Split = new V1.Split { Kind = V1.SplitKind.TopFraction, Column = "@target", Fraction = 0.1 },
        ReferenceFamily = "Llama-2-Chat",
    };

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Agent_forecast_flow_matches_the_golden_values(bool overKestrel)
    {
        PaperData.SkipIfAbsent();
        await using var server = overKestrel ? await ServerHandle.KestrelAsync() : await ServerHandle.InMemoryAsync();
        var client = server.Client;
        var models = PaperDatasets.LoadInstructWithAgents(PaperData.Open);

        var imported = await Uploads.ImportAsync(client, "agents", models);
        Assert.Equal(27, imported.Dataset.ModelCount);
        Assert.Equal(27, imported.ModelsAdded);
        Assert.Equal("datasets/agents", imported.Dataset.Name);

        var decomposition = await client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/agents", Metrics = { PaperMetrics.InstructBenchmarks } });
        Assert.Equal(27, decomposition.Models.Count);
        Assert.True(decomposition.ImputationConverged);
        Assert.InRange(decomposition.ExplainedVarianceRatio[0], 0.5, 1.0);

        var progress = new List<V1.Progress>();
        var fit = await Uploads.FitAsync(client, "agents", AgentBench, "agentbench", progress);
        var golden = Golden.Case("holdouts", "agentbench_pc3");
        Assert.NotEmpty(progress);
        Assert.Equal("datasets/agents/fits/agentbench", fit.Name);
        Assert.Equal(golden.Strings("test_models"), fit.Predictions.Where(p => !p.InTrain).Select(p => p.Model).ToArray());
        Golden.RelativeClose(golden.GetProperty("mse_train_ls_tight").GetDouble(), fit.TrainMse, 1e-6, "train MSE");
        Golden.RelativeClose(golden.GetProperty("mse_test_ls_tight").GetDouble(), fit.TestMse, 1e-6, "test MSE");
        Assert.Equal(0.9997, fit.Equivalent.Slope, 3);
        Assert.Equal(imported.Dataset.Etag, fit.DatasetEtag);

        // Forecast the held-out models from their raw scores: the stored frozen space must reproduce the fit.
        using var forecast = client.Forecast();
        await forecast.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name, Record = true } });
        foreach (var name in golden.Strings("test_models"))
        {
            var m = models.Models.Single(x => x.Name == name);
            var scores = new V1.MetricScores();
            foreach (var metric in PaperMetrics.InstructBenchmarks.Where(k => m.Scores.ContainsKey(k)))
            {
                scores.Values[metric] = m.Scores[metric];
            }

            await forecast.RequestStream.WriteAsync(new V1.ForecastRequest { Input = new V1.ForecastInput { Model = name, Scores = scores } });
        }

        await forecast.RequestStream.CompleteAsync();
        var results = await forecast.ResponseStream.ReadAllAsync().Select(r => r.Result).ToListAsync();
        Assert.Equal(2, results.Count);
        foreach (var r in results)
        {
            var stored = fit.Predictions.Single(p => p.Model == r.Model);
            Assert.Equal(stored.Predicted, r.Predicted, 12);
            Assert.Equal(stored.Capability, r.Capability, 12);
            Assert.Equal(stored.EquivalentLog10FlopsE21, r.EquivalentLog10FlopsE21, 10);
            Assert.Equal(r.Predicted * 10, r.PredictedRaw, 12);
            Assert.StartsWith(fit.Name + "/forecasts/", r.Forecast, StringComparison.Ordinal);
        }

        var recorded = await client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = fit.Name });
        Assert.Equal(2, recorded.TotalSize);
        Assert.Equal(imported.Dataset.Etag, recorded.Forecasts[0].DatasetEtag);

        // Backtest: the PC law against the compute baselines on the same split.
        using var backtest = client.Backtest(new V1.BacktestRequest { Dataset = "agents", Spec = AgentBench });
        var events = await backtest.ResponseStream.ReadAllAsync().ToListAsync();
        var table = events.Single(e => e.EventCase == V1.BacktestEvent.EventOneofCase.Result).Result;
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal("PC-1..3", table.Rows[0].Predictors);
        Golden.RelativeClose(golden.GetProperty("mse_test_ls_tight").GetDouble(), table.Rows[0].TestMse, 1e-6, "backtest PC test MSE");
        Assert.Single(table.Rows, r => r.Best);
        // No held-out agent model has FLOPs or a size (closed models): the baselines say so instead of failing.
        Assert.Contains("left to forecast", table.Rows[1].Unavailable, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Leaderboard_fit_with_compute_baseline_forecasts_from_flops()
    {
        PaperData.SkipIfAbsent();
        await using var server = await ServerHandle.InMemoryAsync();
        var analysis = PaperAnalyses.LeaderboardV2(PaperData.Open, "bbh");
        await Uploads.ImportAsync(server.Client, "lbv2", analysis.Models);
        var spec = new V1.FitSpec
        {
            Target = "leaderboard_bbh",
            Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = PaperMetrics.BbhRandomMean, High = 1 },
            Predictors = new V1.Predictors { Kind = V1.PredictorKind.LogFlops },
            CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks },
            Link = V1.Link.Sigmoid,
            Loss = V1.Loss.Huber,
            Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = 84 },
        };
        var fit = await Uploads.FitAsync(server.Client, "lbv2", spec);
        var golden = Golden.Case("holdouts", "lbv2_bbh_lnflops");
        Golden.RelativeClose(golden.GetProperty("mse_test_ls_tight").GetDouble(), fit.TestMse, 1e-6, "test MSE");

        using var forecast = server.Client.Forecast();
        await forecast.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name } });
        var llama = analysis.Models.Models.Single(m => m.Name == "meta-llama/Meta-Llama-3.1-70B");
        await forecast.RequestStream.WriteAsync(new V1.ForecastRequest { Input = new V1.ForecastInput { Model = llama.Name, FlopsE21 = llama.FlopsE21!.Value } });
        await forecast.RequestStream.CompleteAsync();
        var result = await forecast.ResponseStream.ReadAllAsync().SingleAsync();
        Assert.Equal(fit.Predictions.Single(p => p.Model == llama.Name).Predicted, result.Result.Predicted, 12);
    }
}
