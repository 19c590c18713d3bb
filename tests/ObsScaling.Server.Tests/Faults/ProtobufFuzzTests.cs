using System.Collections.Concurrent;
using CsCheck;
using Google.Protobuf;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Every method of the service, sent bytes that are not what its contract says: random bytes, bit flips,
/// truncations and splices of valid requests, and well-formed messages whose fields hold anything at all.
/// Whatever arrives, the answer is OK or a client error (never INTERNAL or UNKNOWN), and the server stays healthy.
/// </summary>
public class ProtobufFuzzTests(FuzzServer fuzz, ITestOutputHelper output) : IClassFixture<FuzzServer>
{
    [Fact]
    public async Task Damaged_bytes_sent_to_every_method_get_client_errors_and_the_server_stays_healthy()
    {
        fuzz.Clear();
        var perMethod = FaultScale.Cases(120, 2_000);
        var cases = new List<(string Method, byte[][] Messages)>();
        var random = new Random(FaultScale.Seed);
        foreach (var (method, valid) in fuzz.ValidRequests.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            for (var i = 0; i < perMethod; i++)
            {
                // In a stream, one message is damaged and the others are left valid, so the damage is met mid-stream too.
                var messages = valid.ToArray();
                var at = random.Next(messages.Length);
                messages[at] = Mutations.Any(random, messages[at]);
                cases.Add((method, messages));
            }
        }

        var faults = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) =>
        {
            if (await fuzz.RunAsync(c.Method, c.Messages) is { } fault)
            {
                faults.Enqueue(fault);
            }
        });

        output.WriteLine($"{cases.Count} damaged requests over {fuzz.ValidRequests.Count} methods (seed {FaultScale.Seed})");
        output.WriteLine(fuzz.Report());
        Assert.True(faults.IsEmpty, $"{faults.Count} faults, e.g.:\n{string.Join('\n', faults.Take(5))}");
        Assert.True(fuzz.Shed <= cases.Count / 20, $"the server shed {fuzz.Shed} of {cases.Count} streams");
        Assert.Equal(fuzz.ValidRequests.Keys.Order(StringComparer.Ordinal), RawCalls.Methods.Select(m => m.Name).Order(StringComparer.Ordinal));
        await fuzz.AssertHealthyAsync();
    }

    [Fact]
    public async Task Well_formed_messages_with_random_field_values_get_client_errors_and_the_server_stays_healthy()
    {
        fuzz.Clear();
        var count = 0;
        await Requests.SampleAsync(
            async c =>
            {
                Interlocked.Increment(ref count);
                var fault = await fuzz.RunAsync(c.Method, c.Messages);
                Assert.True(fault is null, fault);
            },
            seed: null,
            iter: FaultScale.Cases(1_500, 30_000),
            threads: 4,
            print: c => $"{c.Method}: {string.Join(" | ", c.Messages.Select(Convert.ToHexString))}");

        output.WriteLine($"{count} random well-formed requests");
        output.WriteLine(fuzz.Report());
        await fuzz.AssertHealthyAsync();
    }

    // Field values: mostly names and numbers the fixture knows (so calls get past the first check), some anything.
    private static readonly string[] Metrics = [.. Enumerable.Range(1, 8).Select(j => $"bench-{j}"), "downstream", "flops", "params", "tokens"];

    private static Gen<string> Named(params string[] known) =>
        Gen.Frequency((4, Gen.OneOf(known)), (1, Gen.String[0, 24]), (1, Gen.OneOf("", " ", "datasets/", "datasets/../etc", new string('x', 400), "ü\u0000\uFFFD")));

    private static readonly Gen<string> DatasetName = Named("datasets/fuzz", "fuzz", "datasets/nope", "datasets/fuzz/fits/law");
    private static readonly Gen<string> FitName = Named("datasets/fuzz/fits/law", "datasets/fuzz/fits/compute", "datasets/fuzz/fits/nope", "datasets/fuzz", "datasets/nope/fits/law");
    private static readonly Gen<string> Metric = Named(Metrics);
    private static readonly Gen<string> ModelName = Named("family-01-m1", "family-02-m3", "x");
    private static readonly Gen<string> Family = Named("family-01", "family-02", "family-03", "family-04");

    private static readonly Gen<double> Number = Gen.Frequency(
        (4, Gen.Double[-2, 2]),
        (1, Gen.Double),
        (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, double.MaxValue, -1e300, 1e-300, 84.0, 1.0)));

    private static readonly Gen<int> Count = Gen.Frequency((12, Gen.Int[-2, 12]), (1, Gen.OneOf(int.MinValue, -1, 0, 100, 5_000, int.MaxValue)));

    private static Gen<T> Enum<T>(int max)
        where T : struct, System.Enum => Gen.Int[-1, max + 1].Select(i => (T)(object)i);

    private static readonly Gen<V1.ImputationSettings?> Imputation = Gen.Frequency(
        (2, Gen.Const((V1.ImputationSettings?)null)),
        (1, Gen.Select(Count, Count, Number, (c, m, t) => (V1.ImputationSettings?)new V1.ImputationSettings { Components = c, MaxIterations = m, Tolerance = t })));

    private static readonly Gen<V1.Split> Split = Gen.Select(Enum<V1.SplitKind>(6), Named("flops", "params", "bench-1", "downstream"), Number, Count, Number, Gen.Int, ModelName.Array[0, 3],
        (kind, column, threshold, count, fraction, seed, test) => new V1.Split { Kind = kind, Column = column, Threshold = threshold, Count = count, Fraction = fraction, Seed = seed, TestModels = { test } });

    private static readonly Gen<V1.FitSpec> Spec = Gen.Select(
        Gen.Select(Metric, Enum<V1.TransformKind>(4), Number, Number, (target, kind, low, high) => (target, transform: new V1.Transform { Kind = kind, Low = low, High = high })),
        Gen.Select(Enum<V1.PredictorKind>(4), Count, Metric.Array[0, 3], (kind, c, m) => new V1.Predictors { Kind = kind, Components = c, Metrics = { m } }),
        Gen.Select(Metric.Array[0, 9], Count, Imputation, Enum<V1.Link>(3), Enum<V1.Loss>(2), Number, Number, (capability, pcs, imputation, link, loss, delta, floor) => (capability, pcs, imputation, link, loss, delta, floor)),
        Split,
        Gen.Select(ModelName.Array[0, 2], Family, Enum<V1.IntervalMethod>(3), Number, Gen.Frequency((10, Gen.Int[-2, 60]), (1, Count)), Gen.Int, (exclude, reference, method, level, resamples, seed) => (exclude, reference, method, level, resamples, seed)),
        (t, predictors, fit, split, rest) =>
        {
            var spec = new V1.FitSpec
            {
                Target = t.target,
                Transform = t.transform,
                Predictors = predictors,
                PcaComponents = fit.pcs,
                Imputation = fit.imputation,
                Link = fit.link,
                Loss = fit.loss,
                HuberDelta = fit.delta,
                FloorMax = fit.floor,
                Split = split,
                ReferenceFamily = rest.reference,
                Intervals = rest.method == V1.IntervalMethod.Unspecified ? null : new V1.IntervalSettings { Method = rest.method, Level = rest.level, Resamples = rest.resamples, Seed = rest.seed },
            };
            spec.CapabilityMetrics.AddRange(fit.capability);
            spec.ExcludeFromTrain.AddRange(rest.exclude);
            return spec;
        });

    private static readonly Gen<V1.Metric> MetricInfo = Gen.Select(Metric, Number, Number, Gen.Bool, Number, Gen.Bool, (name, min, max, hasChance, chance, lower) =>
    {
        var m = new V1.Metric { Name = name, Min = min, Max = max, LowerIsBetter = lower };
        if (hasChance)
        {
            m.Chance = chance;
        }

        return m;
    });

    private static readonly Gen<V1.Model> Model = Gen.Select(ModelName, Family, Gen.Select(Gen.Bool, Number, (has, v) => has ? v : (double?)null).Array[3], Gen.Select(Metric, Number, (k, v) => (k, v)).Array[0, 6], (name, family, compute, scores) =>
    {
        var m = new V1.Model { Name = name, Family = family };
        if (compute[0] is { } p)
        {
            m.ParametersB = p;
        }

        if (compute[1] is { } t)
        {
            m.TokensT = t;
        }

        if (compute[2] is { } f)
        {
            m.FlopsE21 = f;
        }

        foreach (var (k, v) in scores)
        {
            m.Scores[k] = v;
        }

        return m;
    });

    private static readonly Gen<V1.ForecastInput> ForecastInput = Gen.Select(ModelName, Family, Gen.Int[0, 4], Gen.Select(Metric, Number, (k, v) => (k, v)).Array[0, 5], Number.Array[0, 5], Number, (model, family, by, scores, coordinates, value) =>
    {
        var input = new V1.ForecastInput { Model = model, Family = family };
        switch (by)
        {
            case 0:
                input.Scores = new V1.MetricScores();
                foreach (var (k, v) in scores)
                {
                    input.Scores.Values[k] = v;
                }

                break;
            case 1:
                input.Coordinates = new V1.Coordinates { Values = { coordinates } };
                break;
            case 2:
                input.FlopsE21 = value;
                break;
            case 3:
                input.ParametersB = value;
                break;
        }

        return input;
    });

    private static Gen<(string Method, byte[][] Messages)> One<T>(string method, Gen<T> messages)
        where T : IMessage => messages.Select(m => (method, new[] { m.ToByteArray() }));

    /// <summary>A request to any method; streams are a header or setup followed by items, sometimes out of order.</summary>
    private static readonly Gen<(string Method, byte[][] Messages)> Requests = Gen.OneOf(
        One("GetDataset", DatasetName.Select(n => new V1.GetDatasetRequest { Name = n })),
        One("ListDatasets", Gen.Select(Count, Named("", "bm90IGEgdG9rZW4", "eyJvIjo1fQ"), (size, token) => new V1.ListDatasetsRequest { PageSize = size, PageToken = token })),
        One("DeleteDataset", Gen.Select(Named("datasets/fuzz-spare", "datasets/nope"), Gen.Bool, Named("", "etag"), (n, force, etag) => new V1.DeleteDatasetRequest { Name = n, Force = force, Etag = etag })),
        One("ListModels", Gen.Select(DatasetName, Count, Named("", "x"), (n, size, token) => new V1.ListModelsRequest { Parent = n, PageSize = size, PageToken = token })),
        One("Decompose", Gen.Select(DatasetName, Metric.Array[0, 9], Count, Gen.Bool, Imputation, Count, (n, metrics, components, standardize, imputation, min) =>
            new V1.DecomposeRequest { Dataset = n, Metrics = { metrics }, Components = components, Standardize = standardize, Imputation = imputation, MinFamilyModels = min })),
        One("CreateFit", Gen.Select(DatasetName, Named("fz", "law-2", "BAD ID", ""), Spec, Gen.Bool, (parent, id, spec, replace) => new V1.CreateFitRequest { Parent = parent, FitId = id, Spec = spec, Replace = replace })),
        One("GetFit", FitName.Select(n => new V1.GetFitRequest { Name = n })),
        One("ListFits", Gen.Select(DatasetName, Count, (n, size) => new V1.ListFitsRequest { Parent = n, PageSize = size })),
        One("DeleteFit", Named("datasets/fuzz/fits/spare", "datasets/fuzz/fits/nope", "datasets/fuzz").Select(n => new V1.DeleteFitRequest { Name = n })),
        One("ListForecasts", Gen.Select(FitName, Count, (n, size) => new V1.ListForecastsRequest { Parent = n, PageSize = size })),
        One("Backtest", Gen.Select(DatasetName, Spec, Gen.Select(Enum<V1.PredictorKind>(4), Count, Metric.Array[0, 2], (k, c, m) => new V1.Predictors { Kind = k, Components = c, Metrics = { m } }).Array[0, 3],
            (n, spec, compare) => new V1.BacktestRequest { Dataset = n, Spec = spec, Compare = { compare } })),
        One("SelectSubset", Gen.Select(DatasetName, Gen.Int[-2, 24].Array[0, 3], Gen.Int[-1, 5], Family, Gen.Int[-1, 5], Metric.Array[0, 4], Gen.Frequency((3, Gen.Const((V1.Split?)null)), (1, Split.Select(s => (V1.Split?)s))), Gen.Bool,
            (n, budgets, max, include, components, metrics, pool, exclude) => new V1.SelectSubsetRequest { Dataset = n, Budgets = { budgets }, MaxFamilies = max, IncludeFamily = include, Components = components, Metrics = { metrics }, PoolSplit = pool, ExcludeModelsWithMissing = exclude })),
        One("WatchFits", Gen.Select(DatasetName, Gen.Bool, (n, initial) => new V1.WatchFitsRequest { Dataset = n, SendInitial = initial })),
        Gen.Select(Named("fuzz-import", "fuzz-import-2", "datasets/fuzz-import"), Enum<V1.ImportMode>(4), MetricInfo.Array[0, 4], Model.Array[0, 5], Gen.Int[0, 5], (dataset, mode, metrics, models, order) =>
        {
            var header = new V1.ImportModelsRequest { Header = new V1.ImportHeader { Dataset = dataset, Mode = mode, Metrics = { metrics } } };
            var items = models.Select(m => new V1.ImportModelsRequest { Model = m }).ToList();
            IEnumerable<V1.ImportModelsRequest> messages = order switch
            {
                0 => items,
                1 => [header, .. items, header],
                2 => [header, new V1.ImportModelsRequest(), .. items],
                _ => [header, .. items],
            };
            return ("ImportModels", messages.Select(m => m.ToByteArray()).ToArray());
        }),
        Gen.Select(FitName, Gen.Bool, ForecastInput.Array[0, 6], Gen.Int[0, 5], (fit, record, inputs, order) =>
        {
            var setup = new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit, Record = record } };
            var items = inputs.Select(i => new V1.ForecastRequest { Input = i }).ToList();
            IEnumerable<V1.ForecastRequest> messages = order switch
            {
                0 => items,
                1 => [setup, .. items, setup],
                2 => [setup, new V1.ForecastRequest(), .. items],
                _ => [setup, .. items],
            };
            return ("Forecast", messages.Select(m => m.ToByteArray()).ToArray());
        }),
        One("CompareTechniques", Gen.Select(DatasetName, Metric, Metric.Array[0, 3], Count, Family, Gen.Select(Number, Number, Count, (from, to, points) => (from, to, points)), (dataset, baseline, techniques, pcs, reference, grid) =>
            new V1.CompareTechniquesRequest { Dataset = dataset, Baseline = baseline, Techniques = { techniques }, Components = pcs, ReferenceFamily = reference, GridFrom = grid.from, GridTo = grid.to, GridPoints = Math.Clamp(grid.points, -5, 400), NoIntervals = true })),
        One("RenderPlot", Gen.Select(Enum<V1.PlotKind>(5), Enum<V1.PlotFormat>(2), Count, Count, FitName, DatasetName, (kind, format, width, height, fit, dataset) =>
            new V1.RenderPlotRequest { Kind = kind, Format = format, Width = Math.Clamp(width * 100, -100, 1_200), Height = Math.Clamp(height * 100, -100, 900), Fit = fit, Dataset = dataset })),
        One("ListPreregistrations", Gen.Select(Named("ledgers/fuzz", "ledgers/nope", "ledgers/", "datasets/fuzz"), Count, Enum<V1.PreregistrationState>(2), (parent, size, state) =>
            new V1.ListPreregistrationsRequest { Parent = parent, PageSize = size, State = state })),
        One("CreatePreregistrations", Gen.Select(Named("ledgers/fuzz", "ledgers/x y", "fuzz"), FitName, ModelName, Number.Array[0, 4], Number, (parent, fit, model, coordinates, level) =>
            new V1.CreatePreregistrationsRequest { Parent = parent, Fit = fit, Inputs = { new V1.PreregistrationInput { Model = model, Coordinates = { coordinates } } }, Level = level })),
        Gen.Select(DatasetName, Enum<V1.ResultFormat>(4), Enum<V1.ScoreScale>(2), Gen.String[0, 200], Gen.Bool, (dataset, format, scale, text, header) =>
        {
            var messages = new List<V1.ImportFilesRequest>();
            if (header)
            {
                messages.Add(new V1.ImportFilesRequest { Header = new V1.ImportFilesHeader { Dataset = dataset, Options = new V1.ResultImportOptions { Format = format, Scale = scale } } });
            }

            messages.Add(new V1.ImportFilesRequest { Chunk = new V1.FileChunk { FileName = "f.csv", Content = ByteString.CopyFromUtf8("model,benchmark,value\n" + text) } });
            return ("ImportFiles", messages.Select(m => m.ToByteArray()).ToArray());
        }));
}
