using Grpc.Core;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Errors;

/// <summary>
/// The core's bad-input list through CreateFit, Decompose, Forecast and SelectSubset: exact codes, and details
/// naming the request field and quoting the offending value.
/// </summary>
public class AnalysisErrorTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private readonly V1.ObsScaling.ObsScalingClient _client = shared.Client;

    private async Task<string> ZooAsync(string prefix, double missing = 0)
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        await Uploads.ImportAsync(_client, id, Rpc.SmallZoo(missing: missing));
        return id;
    }

    private Task<List<V1.FitEvent>> FitAsync(string dataset, V1.FitSpec spec, string fitId = "", bool replace = false) =>
        Rpc.FitEventsAsync(_client, new V1.CreateFitRequest { Parent = "datasets/" + dataset, FitId = fitId, Spec = spec, Replace = replace });

    // ---- CreateFit ----

    [Fact]
    public async Task Fewer_models_than_predictors_plus_two_is_failed_precondition()
    {
        // Five models; the top three by FLOPs are held out, leaving two to fit a two-parameter law (needs three).
        var dataset = "tiny-" + Guid.NewGuid().ToString("N")[..8];
        var models = Enumerable.Range(1, 5).Select(i =>
        {
            var m = Rpc.Model($"m{i}", "f", ("target", 0.1 * i));
            m.FlopsE21 = i;
            return m;
        }).ToArray();
        await Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("target")], models));
        var spec = new V1.FitSpec
        {
            Target = "target",
            Predictors = new V1.Predictors { Kind = V1.PredictorKind.LogFlops },
            Split = new V1.Split { Kind = V1.SplitKind.Top, Column = "flops", Count = 3 },
        };

        var description = await Rpc.PreconditionAsync(() => FitAsync(dataset, spec), "models", "2");
        Assert.Contains("3 models are needed to fit a law on 1 predictors", description, StringComparison.Ordinal);
        await Rpc.NotFoundAsync(() => _client.GetFitAsync(new V1.GetFitRequest { Name = $"datasets/{dataset}/fits/none" }).ResponseAsync, "Fit", $"datasets/{dataset}/fits/none");
        var fits = await _client.ListFitsAsync(new V1.ListFitsRequest { Parent = dataset });
        Assert.Equal(0, fits.TotalSize);
    }

    [Theory]
    [InlineData(1e-9, "leaves no model to fit on (20 models, all in test)")]
    [InlineData(1e9, "leaves no model to forecast (20 models, all in train)")]
    public async Task An_empty_train_or_test_split_is_failed_precondition(double threshold, string reason)
    {
        var dataset = await ZooAsync("split");
        var spec = Rpc.DownstreamSpec();
        spec.Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = threshold };
        var status = await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => FitAsync(dataset, spec));
        var violation = Assert.Single(Rpc.Detail<Google.Rpc.PreconditionFailure>(status).Violations);
        Assert.Equal("spec.split", violation.Subject);
        Assert.Contains(reason, violation.Description, StringComparison.Ordinal);
        Assert.Contains("FLOPs (1E21)", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_target_capability_metric_and_split_column_are_named_in_the_spec()
    {
        var dataset = await ZooAsync("unknown");
        var spec = Rpc.DownstreamSpec();
        spec.Target = "no-such-metric";
        spec.CapabilityMetrics.AddRange(["bench-1", "bench-2", "bench-9"]);
        spec.Split.Column = "no-such-column";
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => FitAsync(dataset, spec));
        Assert.Contains("unknown metric", Rpc.Violation(status, "spec.target", "no-such-metric").Description, StringComparison.Ordinal);
        Rpc.Violation(status, "spec.capability_metrics[2]", "bench-9");
        Rpc.Violation(status, "spec.split.column", "no-such-column");
    }

    [Fact]
    public async Task The_target_as_a_capability_metric_is_invalid_argument()
    {
        var dataset = await ZooAsync("leak");
        var spec = Rpc.DownstreamSpec();
        spec.CapabilityMetrics.AddRange(["bench-1", "downstream", "bench-3"]);
        var description = await Rpc.InvalidAsync(() => FitAsync(dataset, spec), "spec.capability_metrics[1]", "downstream");
        Assert.Contains("leak", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_target_or_spec_is_invalid_argument()
    {
        var dataset = await ZooAsync("nospec");
        await Rpc.InvalidAsync(() => FitAsync(dataset, new V1.FitSpec()), "spec.target", "");
        await Rpc.InvalidAsync(() => Rpc.FitEventsAsync(_client, new V1.CreateFitRequest { Parent = dataset }), "spec", "");
    }

    [Theory]
    [InlineData("datasets/Upper", "parent")]
    [InlineData("datasets/", "parent")]
    [InlineData("projects/p/datasets/x", "parent")]
    [InlineData("", "parent")]
    public async Task A_bad_parent_is_invalid_argument(string parent, string field)
    {
        await Rpc.InvalidAsync(() => Rpc.FitEventsAsync(_client, new V1.CreateFitRequest { Parent = parent, Spec = Rpc.DownstreamSpec() }), field, parent);
    }

    [Theory]
    [InlineData("Fit")]
    [InlineData("a_b")]
    [InlineData("-x")]
    public async Task A_bad_fit_id_is_invalid_argument(string fitId)
    {
        await Rpc.InvalidAsync(() => Rpc.FitEventsAsync(_client, new V1.CreateFitRequest { Parent = "datasets/whatever", FitId = fitId, Spec = Rpc.DownstreamSpec() }), "fit_id", fitId);
    }

    [Fact]
    public async Task Fitting_an_unknown_dataset_is_not_found()
    {
        await Rpc.NotFoundAsync(() => FitAsync("no-such-dataset", Rpc.DownstreamSpec()), "Dataset", "datasets/no-such-dataset");
    }

    [Fact]
    public async Task An_existing_fit_id_is_already_exists_unless_replace()
    {
        var dataset = await ZooAsync("refit");
        var first = (await FitAsync(dataset, Rpc.DownstreamSpec(), "law")).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        await Rpc.ExistsAsync(() => FitAsync(dataset, Rpc.DownstreamSpec(), "law"), "Fit", $"datasets/{dataset}/fits/law");

        var stored = await _client.GetFitAsync(new V1.GetFitRequest { Name = first.Name });
        Assert.Equal(first.UpdateTime, stored.UpdateTime);

        var spec = Rpc.DownstreamSpec();
        spec.Link = V1.Link.Sigmoid;
        var replaced = (await FitAsync(dataset, spec, "law", replace: true)).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        Assert.Equal(V1.Link.Sigmoid, (await _client.GetFitAsync(new V1.GetFitRequest { Name = first.Name })).Law.Link);
        Assert.Equal(first.Name, replaced.Name);
        Assert.Equal(1, (await _client.ListFitsAsync(new V1.ListFitsRequest { Parent = dataset })).TotalSize);
    }

    [Theory]
    [InlineData("datasets/x")]
    [InlineData("datasets/x/fits/")]
    [InlineData("datasets/x/fits/Bad")]
    [InlineData("fits/x")]
    public async Task A_bad_fit_name_is_invalid_argument(string name)
    {
        await Rpc.InvalidAsync(() => _client.GetFitAsync(new V1.GetFitRequest { Name = name }).ResponseAsync, "name", name);
        await Rpc.InvalidAsync(() => _client.DeleteFitAsync(new V1.DeleteFitRequest { Name = name }).ResponseAsync, "name", name);
        await Rpc.InvalidAsync(() => _client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = name }).ResponseAsync, "parent", name);
    }

    [Fact]
    public async Task Unknown_fits_and_datasets_are_not_found_with_resource_info()
    {
        await Rpc.NotFoundAsync(() => _client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/nope/fits/nope" }).ResponseAsync, "Fit", "datasets/nope/fits/nope");
        await Rpc.NotFoundAsync(() => _client.DeleteFitAsync(new V1.DeleteFitRequest { Name = "datasets/nope/fits/nope" }).ResponseAsync, "Fit", "datasets/nope/fits/nope");
        await Rpc.NotFoundAsync(() => _client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = "datasets/nope/fits/nope" }).ResponseAsync, "Fit", "datasets/nope/fits/nope");
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/nope" }).ResponseAsync, "Dataset", "datasets/nope");
        await Rpc.NotFoundAsync(() => _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "nope" }).ResponseAsync, "Dataset", "datasets/nope");
        await Rpc.NotFoundAsync(() => _client.ListFitsAsync(new V1.ListFitsRequest { Parent = "datasets/nope" }).ResponseAsync, "Dataset", "datasets/nope");
        await Rpc.NotFoundAsync(() => _client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/nope" }).ResponseAsync, "Dataset", "datasets/nope");
        await Rpc.NotFoundAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/nope" }).ResponseAsync, "Dataset", "datasets/nope");
        await Rpc.NotFoundAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = "nope" }), "Dataset", "datasets/nope");

        var status = await Rpc.FailsAsync(StatusCode.NotFound, async () =>
        {
            using var watch = _client.WatchFits(new V1.WatchFitsRequest { Dataset = "nope" });
            await watch.ResponseStream.MoveNext();
        });
        Assert.Equal("datasets/nope", Rpc.Detail<Google.Rpc.ResourceInfo>(status).ResourceName);

        using var backtest = _client.Backtest(new V1.BacktestRequest { Dataset = "nope", Spec = Rpc.DownstreamSpec() });
        await Rpc.NotFoundAsync(() => backtest.ResponseStream.MoveNext(), "Dataset", "datasets/nope");
    }

    // ---- Decompose ----

    [Fact]
    public async Task A_constant_metric_is_invalid_argument_with_its_value()
    {
        var dataset = "constant-" + Guid.NewGuid().ToString("N")[..8];
        var models = Enumerable.Range(0, 6).Select(i => Rpc.Model($"m{i}", "f", ("a", 0.1 * i), ("b", 0.5), ("c", 0.9 - (0.1 * i * i / 5)))).ToArray();
        await Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("a"), Rpc.Metric("b"), Rpc.Metric("c")], models));
        var description = await Rpc.InvalidAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, Metrics = { "a", "b", "c" } }).ResponseAsync, "metrics[b]", "0.5");
        Assert.Contains("constant", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_all_missing_metric_is_invalid_argument()
    {
        var dataset = "missing-" + Guid.NewGuid().ToString("N")[..8];
        var models = Enumerable.Range(0, 6).Select(i => Rpc.Model($"m{i}", "f", ("a", 0.1 * i), ("c", 0.9 - (0.1 * i * i / 5)))).ToArray();
        await Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("a"), Rpc.Metric("b"), Rpc.Metric("c")], models));
        var description = await Rpc.InvalidAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset }).ResponseAsync, "metrics[b]", "0 observed");
        Assert.Contains("at least two observed values", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decompose_names_unknown_metrics_and_bad_settings()
    {
        var dataset = await ZooAsync("decompose");
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, Metrics = { "bench-1", "nope", "bench-3", "also-nope" } }).ResponseAsync);
        Rpc.Violation(status, "metrics[1]", "nope");
        Rpc.Violation(status, "metrics[3]", "also-nope");

        await Rpc.InvalidAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, Metrics = { "bench-1" } }).ResponseAsync, "metrics", "bench-1");
        await Rpc.InvalidAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, Components = -1 }).ResponseAsync, "components", "-1");
        await Rpc.InvalidAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, MinFamilyModels = 1 }).ResponseAsync, "min_family_models", "1");
        var imputation = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, Imputation = new V1.ImputationSettings { Tolerance = double.NaN } }).ResponseAsync);
        Assert.Equal("imputation", Assert.Single(Rpc.Detail<Google.Rpc.BadRequest>(imputation).FieldViolations).Field);
        await Rpc.InvalidAsync(() => _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "Bad Name" }).ResponseAsync, "dataset", "Bad Name");
    }

    // ---- Forecast ----

    [Fact]
    public async Task Forecast_rejects_inputs_before_the_setup_and_bad_values_by_sequence()
    {
        var dataset = await ZooAsync("forecast");
        var fit = (await FitAsync(dataset, Rpc.DownstreamSpec(), "pc")).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        var setup = new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name } };

        var description = await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "x", Coordinates = new V1.Coordinates { Values = { 0, 0 } } } }), "setup", "");
        Assert.Contains("first message must be a setup", description, StringComparison.Ordinal);
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, setup), "setup", fit.Name);
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, new V1.ForecastRequest()), "messages[0]", "");

        var good = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "ok", Coordinates = new V1.Coordinates { Values = { 0.5, -0.5 } } } };
        var nanScore = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "nan", Scores = new V1.MetricScores { Values = { ["bench-1"] = 0.5, ["bench-2"] = double.NaN } } } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, good, nanScore), "inputs[1].scores[bench-2]", "NaN");

        var infinite = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "inf", Coordinates = new V1.Coordinates { Values = { double.NegativeInfinity, 0 } } } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, infinite), "inputs[0].coordinates[0]", "-Infinity");

        var unknown = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "u", Scores = new V1.MetricScores { Values = { ["bench-1"] = 0.5, ["made-up"] = 0.5 } } } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, unknown), "inputs[0].scores[made-up]", "made-up");

        var byFlops = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "f", FlopsE21 = 10 } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, byFlops), "inputs[0]", "FlopsE21");

        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = "datasets/x" } }), "setup.fit", "datasets/x");
        await Rpc.NotFoundAsync(() => Rpc.ForecastAsync(_client, new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = $"datasets/{dataset}/fits/nope" } }), "Fit", $"datasets/{dataset}/fits/nope");

        // The good input alone still forecasts: the failures left nothing behind.
        Assert.Single(await Rpc.ForecastAsync(_client, setup, good));
    }

    [Fact]
    public async Task Forecast_refuses_more_coordinates_than_the_law_has_and_scores_outside_the_declared_range()
    {
        var dataset = await ZooAsync("forecast-shape");
        var fit = (await FitAsync(dataset, Rpc.DownstreamSpec(), "pc")).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        var k = fit.Law.Weights.Count;
        Assert.Contains(fit.InputMetrics, m => m.Name == "bench-1");
        var setup = new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name } };

        var extra = new V1.Coordinates();
        extra.Values.AddRange(Enumerable.Repeat(0.1, k + 1));
        var description = await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "wide", Coordinates = extra } }), "inputs[0].coordinates", (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"exactly {k}", description, StringComparison.Ordinal);

        // A percentage given for a 0–1 metric is refused naming the metric and the range, for PC laws (projected)
        // and benchmark laws (used directly).
        var percent = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "pct", Scores = new V1.MetricScores { Values = { ["bench-1"] = 52.08 } } } };
        description = await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, percent), "inputs[0].scores[bench-1]", "52.08");
        Assert.Contains("declared range [0, 1]", description, StringComparison.Ordinal);
        var negative = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "neg", Scores = new V1.MetricScores { Values = { ["bench-1"] = -0.01 } } } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, negative), "inputs[0].scores[bench-1]", "-0.01");

        var spec = Rpc.DownstreamSpec();
        spec.Predictors = new V1.Predictors { Kind = V1.PredictorKind.Metrics, Metrics = { "bench-1" } };
        var byMetric = (await FitAsync(dataset, spec, "bench")).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        Assert.Equal("bench-1", Assert.Single(byMetric.InputMetrics).Name);
        var metricSetup = new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = byMetric.Name } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, metricSetup, percent), "inputs[0].scores[bench-1]", "52.08");

        // The edges of the range are inside it, and exactly k coordinates forecast.
        var edge = new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "edge", Scores = new V1.MetricScores { Values = { ["bench-1"] = 1.0 } } } };
        Assert.Single(await Rpc.ForecastAsync(_client, metricSetup, edge));
        var exact = new V1.Coordinates();
        exact.Values.AddRange(Enumerable.Repeat(0.1, k));
        Assert.Single(await Rpc.ForecastAsync(_client, setup, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "k", Coordinates = exact } }));
    }

    [Fact]
    public async Task Forecast_with_a_compute_law_needs_positive_flops()
    {
        var dataset = await ZooAsync("flops-law");
        var spec = Rpc.DownstreamSpec();
        spec.Predictors = new V1.Predictors { Kind = V1.PredictorKind.LogFlops };
        var fit = (await FitAsync(dataset, spec, "flops")).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        var setup = new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name } };
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "z", FlopsE21 = 0 } }), "inputs[0].flops_e21", "0");
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "n", FlopsE21 = double.NaN } }), "inputs[0].flops_e21", "NaN");
        await Rpc.InvalidAsync(() => Rpc.ForecastAsync(_client, setup, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "p", ParametersB = 7 } }), "inputs[0].flops_e21", "NaN");
    }

    // ---- SelectSubset ----

    [Fact]
    public async Task A_singular_pool_is_failed_precondition()
    {
        // Two models mirrored about their mean (exact binary fractions): the centred PC scores of the pool have
        // rank one, so the 2 × 2 Gram matrix of two PCs is singular.
        var dataset = "singular-" + Guid.NewGuid().ToString("N")[..8];
        await Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("a"), Rpc.Metric("b")], Rpc.Model("m1", "f1", ("a", 0.25), ("b", 0.5)), Rpc.Model("m2", "f2", ("a", 0.75), ("b", 0.25))));
        var description = await Rpc.PreconditionAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = dataset, Components = 2, Budgets = { 2 } }), "scores", "2 × 2");
        Assert.Contains("singular matrix", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectSubset_names_bad_metrics_columns_and_settings()
    {
        var dataset = await ZooAsync("select");
        await Rpc.InvalidAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = dataset, Metrics = { "bench-1", "bench-x" } }), "metrics[1]", "bench-x");
        await Rpc.InvalidAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = dataset, PoolSplit = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "nope", Threshold = 1 } }), "pool_split.column", "nope");
        await Rpc.InvalidAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = dataset, Budgets = { 4, -1 } }), "budgets[1]", "-1");
        await Rpc.InvalidAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = dataset, IncludeFamily = "family-99" }), "include_family", "family-99");
        await Rpc.PreconditionAsync(() => Rpc.SelectAsync(_client, new V1.SelectSubsetRequest { Dataset = dataset, Families = { "family-99" } }), "dataset", dataset);
    }
}
