using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Hosting;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// A server on a loopback port with something to hit: dataset <c>fuzz</c> (a small seeded zoo) with a PC law
/// <c>law</c> and a compute law <c>compute</c>, and a spare dataset and fit that deletes may remove.
/// </summary>
public sealed class FuzzServer : IAsyncLifetime
{
    private ServerHandle? _server;

    internal ServerHandle Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>One valid request per method (the messages of a stream in order), for mutation.</summary>
    internal IReadOnlyDictionary<string, byte[][]> ValidRequests { get; } = new Dictionary<string, byte[][]>(StringComparer.Ordinal)
    {
        ["ImportModels"] = [.. Rpc.Import("fuzz-import", Rpc.Metrics(Rpc.SmallZoo()).Take(3), Rpc.Model("m1", "f", ("bench-1", 0.4)), Rpc.Model("m2", "g", ("bench-2", 0.6))).Select(m => m.ToByteArray())],
        ["BatchImportModels"] = [BatchImport().ToByteArray()],
        ["GetDataset"] = [new V1.GetDatasetRequest { Name = "datasets/fuzz" }.ToByteArray()],
        ["ListDatasets"] = [new V1.ListDatasetsRequest { PageSize = 10 }.ToByteArray()],
        ["DeleteDataset"] = [new V1.DeleteDatasetRequest { Name = "datasets/fuzz-spare", Force = true }.ToByteArray()],
        ["ListModels"] = [new V1.ListModelsRequest { Parent = "datasets/fuzz", PageSize = 5 }.ToByteArray()],
        ["Decompose"] = [new V1.DecomposeRequest { Dataset = "datasets/fuzz", Components = 2, Standardize = true }.ToByteArray()],
        ["CreateFit"] = [new V1.CreateFitRequest { Parent = "datasets/fuzz", FitId = "fz", Spec = Rpc.DownstreamSpec(), Replace = true }.ToByteArray()],
        ["GetFit"] = [new V1.GetFitRequest { Name = "datasets/fuzz/fits/law" }.ToByteArray()],
        ["ListFits"] = [new V1.ListFitsRequest { Parent = "datasets/fuzz", PageSize = 3 }.ToByteArray()],
        ["DeleteFit"] = [new V1.DeleteFitRequest { Name = "datasets/fuzz/fits/spare" }.ToByteArray()],
        ["Forecast"] =
        [
            new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = "datasets/fuzz/fits/law" } }.ToByteArray(),
            new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "x", Coordinates = new V1.Coordinates { Values = { 0.5, -0.25 } } } }.ToByteArray(),
            new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "y", Scores = new V1.MetricScores { Values = { ["bench-1"] = 0.3, ["bench-4"] = 0.7 } } } }.ToByteArray(),
        ],
        ["BatchForecast"] = [new V1.BatchForecastRequest { Fit = "datasets/fuzz/fits/law", Inputs = { new V1.ForecastInput { Model = "x", Coordinates = new V1.Coordinates { Values = { 0.5, -0.25 } } } } }.ToByteArray()],
        ["ListForecasts"] = [new V1.ListForecastsRequest { Parent = "datasets/fuzz/fits/law", PageSize = 4 }.ToByteArray()],
        ["Backtest"] = [new V1.BacktestRequest { Dataset = "datasets/fuzz", Spec = Rpc.DownstreamSpec() }.ToByteArray()],
        ["SelectSubset"] = [new V1.SelectSubsetRequest { Dataset = "datasets/fuzz", Budgets = { 8, 12 }, MaxFamilies = 3, Components = 2 }.ToByteArray()],
        ["WatchFits"] = [new V1.WatchFitsRequest { Dataset = "datasets/fuzz", SendInitial = true }.ToByteArray()],
        ["CompareTechniques"] = [new V1.CompareTechniquesRequest { Dataset = "datasets/fuzz", Baseline = "downstream", Techniques = { "bench-8" }, Components = 2, NoIntervals = true, ReferenceFamily = "family-01" }.ToByteArray()],
        ["CreatePreregistrations"] = [new V1.CreatePreregistrationsRequest { Parent = "ledgers/fuzz", Fit = "datasets/fuzz/fits/law", Inputs = { new V1.PreregistrationInput { Model = "future", Coordinates = { 0.5, -0.25 } } } }.ToByteArray()],
        ["GetPreregistration"] = [new V1.GetPreregistrationRequest { Name = "ledgers/fuzz/entries/1" }.ToByteArray()],
        ["ListPreregistrations"] = [new V1.ListPreregistrationsRequest { Parent = "ledgers/fuzz", PageSize = 5 }.ToByteArray()],
        ["ScorePreregistrations"] = [new V1.ScorePreregistrationsRequest { Parent = "ledgers/fuzz", Observed = { new V1.ObservedValue { Model = "future", Value = 0.5 } } }.ToByteArray()],
        ["RenderPlot"] = [new V1.RenderPlotRequest { Kind = V1.PlotKind.ExplainedVariance, Format = V1.PlotFormat.Svg, Dataset = "datasets/fuzz", Width = 400, Height = 320 }.ToByteArray()],
        ["ImportFiles"] =
        [
            new V1.ImportFilesRequest { Header = new V1.ImportFilesHeader { Dataset = "fuzz-files", Options = new V1.ResultImportOptions { Format = V1.ResultFormat.TidyCsv } } }.ToByteArray(),
            new V1.ImportFilesRequest { Chunk = new V1.FileChunk { FileName = "scores.csv", Content = ByteString.CopyFromUtf8("model,benchmark,value\nm1,bench-1,0.4\n") } }.ToByteArray(),
            new V1.ImportFilesRequest { Chunk = new V1.FileChunk { FileName = "meta.csv", Role = V1.FileRole.Metadata, Content = ByteString.CopyFromUtf8("model,family,params_b,tokens_t\nm1,f,7,2\n") } }.ToByteArray(),
        ],
    };

    /// <summary>Statuses by method, for the report.</summary>
    internal ConcurrentDictionary<(string Method, StatusCode Code), int> Tally { get; } = new();

    public async Task InitializeAsync()
    {
        // Every rejected call logs a warning: thousands of them would drown the test output.
        _server = await ServerHandle.KestrelAsync("--Logging:LogLevel:Default=Error");
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(Server.Client, "fuzz", zoo);
        await Uploads.ImportAsync(Server.Client, "fuzz-spare", zoo);
        await Uploads.FitAsync(Server.Client, "fuzz", Rpc.DownstreamSpec(), "law");
        await Uploads.FitAsync(Server.Client, "fuzz", Rpc.DownstreamSpec(), "spare");
        await Uploads.FitAsync(Server.Client, "fuzz", new V1.FitSpec { Target = "downstream", Predictors = new V1.Predictors { Kind = V1.PredictorKind.LogFlops }, Split = Rpc.DownstreamSpec().Split }, "compute");
    }

    /// <summary>Runs one case and returns a description of the fault, or null when the answer was acceptable.</summary>
    private const long EnhanceYourCalm = 0xb;

    private int _shed;

    /// <summary>Streams the server refused with ENHANCE_YOUR_CALM since the tally was last cleared.</summary>
    internal int Shed => Volatile.Read(ref _shed);

    internal void Clear()
    {
        Tally.Clear();
        Interlocked.Exchange(ref _shed, 0);
    }

    internal async Task<string?> RunAsync(string method, IReadOnlyList<byte[]> messages)
    {
        // A watch never ends by itself: a short deadline ends it (DEADLINE_EXCEEDED is then the expected answer).
        var timeout = method == "WatchFits" ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(3);
        Status status;
        try
        {
            status = await RawCalls.CallAsync(Server.Channel.CreateCallInvoker(), method, messages, timeout);
        }
        catch (System.Net.Http.HttpProtocolException ex) when (ex.ErrorCode == EnhanceYourCalm)
        {
            // Kestrel sheds a new stream while too many of the connection's reset streams are still being finished
            // (its rapid-reset defence): load shedding, not an answer to the damage. Counted, and the client backs off.
            Interlocked.Increment(ref _shed);
            await Task.Delay(50);
            return null;
        }

        Tally.AddOrUpdate((method, status.StatusCode), 1, (_, n) => n + 1);
        return RawCalls.Acceptable.Contains(status.StatusCode)
            ? null
            : $"{method} answered {status.StatusCode} ({status.Detail}) to [{string.Join(" | ", messages.Select(Convert.ToHexString))}]";
    }

    /// <summary>After the storm: health SERVING, a valid import and read work, and no call is left running.</summary>
    internal async Task AssertHealthyAsync()
    {
        await WireTests.AssertServingAsync(Server);
        var fit = await Server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/fuzz/fits/law" });
        var answers = await Rpc.ForecastAsync(Server.Client, new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name } }, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "after", Coordinates = new V1.Coordinates { Values = { 0.1, 0.2 } } } });
        Assert.True(double.IsFinite(Assert.Single(answers).Predicted));

        var diagnostics = (CallDiagnostics)Server.Services.GetService(typeof(CallDiagnostics))!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (diagnostics.ActiveCalls() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, diagnostics.ActiveCalls());
        Assert.Equal(0, diagnostics.UnexpectedErrors);
    }

    /// <summary>The ImportModels stream's messages as one BatchImportModels request (another dataset, so the two do not race).</summary>
    private static V1.BatchImportModelsRequest BatchImport()
    {
        var messages = Rpc.Import("fuzz-batch", Rpc.Metrics(Rpc.SmallZoo()).Take(3), Rpc.Model("m1", "f", ("bench-1", 0.4)), Rpc.Model("m2", "g", ("bench-2", 0.6)));
        var batch = new V1.BatchImportModelsRequest { Header = messages.First().Header };
        batch.Models.AddRange(messages.Skip(1).Select(m => m.Model));
        return batch;
    }

    internal string Report() => $"shed by the server (ENHANCE_YOUR_CALM): {Shed}{Environment.NewLine}" + string.Join(Environment.NewLine, Tally.OrderBy(t => t.Key.Method, StringComparer.Ordinal).ThenBy(t => t.Key.Code).Select(t => $"{t.Key.Method,-14} {t.Key.Code,-20} {t.Value,6}"));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
