using Grpc.Core;
using ObsScaling.Core.Irt;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Ledger;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// The item-response capability as a law's predictor, through a real server: fitted on the training rows, stored
/// with its frozen benchmarks, and forecasting new models from whichever benchmarks they were run on.
/// </summary>
public class IrtCapabilityTests
{
    private static V1.FitSpec Spec(SyntheticZoo zoo) => new()
    {
        Target = "downstream",
        CapabilityMetrics = { zoo.BenchmarkNames },
        Predictors = new V1.Predictors { Kind = V1.PredictorKind.IrtCapability },
        Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "flops", Threshold = 30 },
    };

    private static async Task<(ServerHandle Server, SyntheticZoo Zoo, V1.Fit Fit)> FitAsync(Action<V1.FitSpec>? change = null)
    {
        var server = await ServerHandle.InMemoryAsync();
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 3, Families = 14, ModelsPerFamily = 5, MissingFraction = 0.2 });
        await Uploads.ImportAsync(server.Client, "zoo", zoo.Models);
        var spec = Spec(zoo);
        change?.Invoke(spec);
        return (server, zoo, await Uploads.FitAsync(server.Client, "zoo", spec, "irt"));
    }

    [Fact]
    public async Task A_fit_stores_its_frozen_benchmarks_and_a_forecast_from_all_scores_is_the_fits_own_test_prediction()
    {
        var (server, zoo, fit) = await FitAsync();
        await using var _ = server;
        Assert.Null(fit.Space);
        Assert.Equal(["C (IRT)"], fit.Law.PredictorNames);
        Assert.Equal(zoo.BenchmarkNames, fit.ItemResponse.Benchmarks.Select(b => b.Name));
        Assert.Single(fit.ItemResponse.Benchmarks, b => b.Anchor);
        Assert.All(fit.ItemResponse.Benchmarks, b => Assert.True(b.Slope > 0 && b.ScoreCount >= 2, b.ToString()));
        Assert.True(fit.ItemResponse.ResidualVariance > 0);
        Assert.Equal(zoo.BenchmarkNames, fit.InputMetrics.Select(m => m.Name));
        Assert.All(fit.Predictions, p => Assert.Single(p.Predictors));
        // The zoo's downstream score rises with capability, so the law's weight on C is positive.
        Assert.True(fit.Law.Weights[0] > 0, fit.Law.Formula);

        var test = fit.Predictions.Where(p => !p.InTrain).ToArray();
        Assert.True(test.Length >= 10, $"{test.Length} test models");
        var byName = zoo.Models.Models.ToDictionary(m => m.Name);
        var full = await LedgerTests.ForecastAsync(server.Client, fit.Name, test.Select(p => new V1.ForecastInput
        {
            Model = p.Model,
            Scores = new V1.MetricScores { Values = { byName[p.Model].Scores.Where(kv => zoo.BenchmarkNames.Contains(kv.Key)).ToDictionary() } },
        }));
        for (var i = 0; i < test.Length; i++)
        {
            Assert.Equal(test[i].Predicted, full[i].Predicted, 1e-9);
            Assert.Equal(test[i].Predictors[0], full[i].Predictors[0], 1e-9);
            Assert.Equal(test[i].Capability, full[i].Capability, 1e-9);
        }

        // From half the benchmarks the capability is estimated again, less precisely but in the same order.
        var half = zoo.BenchmarkNames.Take(zoo.BenchmarkNames.Count / 2).ToHashSet();
        var subset = test.Where(p => byName[p.Model].Scores.Keys.Any(half.Contains)).ToArray();
        var partial = await LedgerTests.ForecastAsync(server.Client, fit.Name, subset.Select(p => new V1.ForecastInput
        {
            Model = p.Model,
            Scores = new V1.MetricScores { Values = { byName[p.Model].Scores.Where(kv => half.Contains(kv.Key)).ToDictionary() } },
        }));
        Assert.Equal(subset.Length, partial.Count);
        Assert.All(partial, r => Assert.True(double.IsFinite(r.Predicted) && r.Predicted is >= 0 and <= 1, r.ToString()));
        Assert.Contains(partial.Zip(subset), t => Math.Abs(t.First.Predictors[0] - t.Second.Predictors[0]) > 1e-6);
        Assert.True(Correlation(partial.Select(r => r.Predictors[0]), subset.Select(p => p.Predictors[0])) > 0.9);

        // The capability itself is an input too.
        var direct = await LedgerTests.ForecastAsync(server.Client, fit.Name, [new V1.ForecastInput { Model = test[0].Model, Coordinates = new V1.Coordinates { Values = { test[0].Predictors[0] } } }]);
        Assert.Equal(test[0].Predicted, direct[0].Predicted, 1e-12);
    }

    [Fact]
    public async Task Irt_settings_reach_the_fit_and_bad_ones_are_named_by_their_proto_fields()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 3, Families = 8 });
        await Uploads.ImportAsync(server.Client, "zoo", zoo.Models);

        var anchored = Spec(zoo);
        anchored.Irt = new V1.IrtSettings { AnchorBenchmark = zoo.BenchmarkNames[2], Ridge = 1e-4 };
        var fit = await Uploads.FitAsync(server.Client, "zoo", anchored, "anchored");
        var anchor = Assert.Single(fit.ItemResponse.Benchmarks, b => b.Anchor);
        Assert.Equal(zoo.BenchmarkNames[2], anchor.Name);
        Assert.Equal((0.0, 1.0), (anchor.Difficulty, anchor.Slope));
        Assert.Equal(1e-4, fit.ItemResponse.Ridge);

        var unknown = Spec(zoo);
        unknown.Irt = new V1.IrtSettings { AnchorBenchmark = "nope", Ridge = -1 };
        var ex = await Assert.ThrowsAsync<RpcException>(() => Uploads.FitAsync(server.Client, "zoo", unknown));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("spec.irt.anchor_benchmark", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("spec.irt.ridge", ex.Status.Detail, StringComparison.Ordinal);

        var one = Spec(zoo);
        one.CapabilityMetrics.Clear();
        one.CapabilityMetrics.Add(zoo.BenchmarkNames[0]);
        ex = await Assert.ThrowsAsync<RpcException>(() => Uploads.FitAsync(server.Client, "zoo", one));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("spec.capability_metrics", ex.Status.Detail, StringComparison.Ordinal);

        // A forecast names the input field it could not use.
        ex = await Assert.ThrowsAsync<RpcException>(() => LedgerTests.ForecastAsync(server.Client, fit.Name, [new V1.ForecastInput { Model = "m", Scores = new V1.MetricScores { Values = { ["not-a-benchmark"] = 0.5 } } }]));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("inputs[0].scores[not-a-benchmark]", ex.Status.Detail, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<RpcException>(() => LedgerTests.ForecastAsync(server.Client, fit.Name, [new V1.ForecastInput { Model = "m", Coordinates = new V1.Coordinates { Values = { 1, 2 } } }]));
        Assert.Contains("inputs[0].coordinates", ex.Status.Detail, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<RpcException>(() => LedgerTests.ForecastAsync(server.Client, fit.Name, [new V1.ForecastInput { Model = "m", FlopsE21 = 3 }]));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Decompose_reports_the_item_response_capabilities_when_asked_and_pca_alone_when_not()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 5, Families = 10, MissingFraction = 0.25 });
        await Uploads.ImportAsync(server.Client, "zoo", zoo.Models);

        var pca = await server.Client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/zoo", Metrics = { zoo.BenchmarkNames } });
        Assert.Empty(pca.IrtModels);
        Assert.Null(pca.ItemResponse);

        var request = new V1.DecomposeRequest
        {
            Dataset = "datasets/zoo",
            Metrics = { zoo.BenchmarkNames },
            CapabilityModel = V1.CapabilityModel.Irt,
            Irt = new V1.IrtSettings { AnchorBenchmark = "bench-3" },
        };
        var both = await server.Client.DecomposeAsync(request);
        Assert.Equal(pca.Loadings, both.Loadings);
        Assert.Equal(pca.Models, both.Models);

        // The same fit as the engine's, on the same models and benchmarks.
        var engine = ItemResponseModel.Fit(zoo.Models.Models, zoo.BenchmarkNames.Select(b => zoo.Models.Metrics[b]).ToArray(), new IrtOptions { AnchorBenchmark = "bench-3" });
        Assert.Equal(engine.Capabilities.Select(c => (c.Model, c.Capability, c.StandardError, c.BenchmarkCount)), both.IrtModels.Select(c => (c.Model, c.Capability, c.StandardError, c.BenchmarkCount)));
        Assert.Equal(zoo.Models.Models.Select(m => m.Family ?? ""), both.IrtModels.Select(c => c.Family));
        Assert.Equal(engine.Benchmarks.Select(b => (b.Name, b.Difficulty, b.Slope, b.Floor)), both.ItemResponse.Benchmarks.Select(b => (b.Name, b.Difficulty, b.Slope, b.Floor)));
        Assert.Equal("bench-3", Assert.Single(both.ItemResponse.Benchmarks, b => b.Anchor).Name);
        Assert.All(both.IrtModels, c => Assert.True(c.StandardError > 0 && double.IsFinite(c.StandardError), c.ToString()));

        // C and PC-1 both order the models by general capability.
        Assert.True(Correlation(both.IrtModels.Select(c => c.Capability), both.Models.Select(m => m.PcScores[0])) > 0.8);

        await Rpc.InvalidAsync(() => server.Client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/zoo", CapabilityModel = (V1.CapabilityModel)9 }).ResponseAsync, "capability_model", "9");
        request.Irt = new V1.IrtSettings { AnchorBenchmark = "nope", Ridge = -1 };
        await Rpc.InvalidAsync(() => server.Client.DecomposeAsync(request).ResponseAsync, "irt.anchor_benchmark", "nope");
        await Rpc.InvalidAsync(() => server.Client.DecomposeAsync(request).ResponseAsync, "irt.ridge", "-1");
    }

    private static double Correlation(IEnumerable<double> a, IEnumerable<double> b)
    {
        var x = a.ToArray();
        var y = b.ToArray();
        double mx = x.Average(), my = y.Average();
        var sxy = x.Zip(y).Sum(t => (t.First - mx) * (t.Second - my));
        return sxy / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }
}
