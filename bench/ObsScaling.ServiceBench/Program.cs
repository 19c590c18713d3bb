using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ObsScaling.Core.Import;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

// Measures the service on loopback (real Kestrel, HTTP/2 cleartext) and prints one line per figure with its
// target. Usage: dotnet run -c Release --project bench/ObsScaling.ServiceBench [-- <path to ObsScaling.Server.dll>]
var data = FindData();
var dir = Directory.CreateTempSubdirectory("obs-bench-");
var app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={Path.Combine(dir.FullName, "bench.db")}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
await app.StartAsync();
var address = ObsScalingServer.BoundAddresses(app).Single();
using var channel = GrpcChannel.ForAddress(address);
var client = new V1.ObsScaling.ObsScalingClient(channel);

var models = PaperDatasets.LoadBase(f => File.OpenText(Path.Combine(data, f))).Join(PaperDatasets.Read(f => File.OpenText(Path.Combine(data, f)), PaperDatasets.PostTrainingFile));
using (var import = client.ImportModels())
{
    var header = new V1.ImportHeader { Dataset = "bench" };
    header.Metrics.AddRange(models.OrderedMetrics().Select(m => m.ToProto()));
    await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header });
    foreach (var m in models.Models)
    {
        await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() });
    }

    await import.RequestStream.CompleteAsync();
    await import;
}

var spec = new V1.FitSpec { Target = PaperAnalyses.GsmCot, CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks }, Loss = V1.Loss.Huber };

// Fit end to end (77-model default set joined with post-training results).
var fitTimes = new List<double>();
V1.Fit? fit = null;
for (var i = 0; i < 60; i++)
{
    var sw = Stopwatch.StartNew();
    using var call = client.CreateFit(new V1.CreateFitRequest { Parent = "datasets/bench", FitId = "bench", Spec = spec, Replace = true });
    await foreach (var e in call.ResponseStream.ReadAllAsync())
    {
        if (e.EventCase == V1.FitEvent.EventOneofCase.Fit)
        {
            fit = e.Fit;
        }
    }

    fitTimes.Add(sw.Elapsed.TotalMilliseconds);
}

Report("Fit, 77-model default data, end to end", Median(fitTimes.Skip(10)), "ms", "<= 20 ms");

// Unary round trip.
var unary = new List<double>();
for (var i = 0; i < 500; i++)
{
    await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/bench" });
}

for (var i = 0; i < 3000; i++)
{
    var sw = Stopwatch.StartNew();
    await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/bench" });
    unary.Add(sw.Elapsed.TotalMilliseconds);
}

unary.Sort();
Report("Unary round trip (GetDataset) p50", Median(unary), "ms", "<= 1 ms");
Report("Unary round trip (GetDataset) p99", unary[(int)(unary.Count * 0.99)], "ms", "");

// The transport's own floor on this machine: the standard health check, which touches no storage.
var healthClient = new Health.HealthClient(channel);
var floor = new List<double>();
for (var i = 0; i < 3000; i++)
{
    var sw = Stopwatch.StartNew();
    await healthClient.CheckAsync(new HealthCheckRequest());
    floor.Add(sw.Elapsed.TotalMilliseconds);
}

Report("Unary round trip (health check, transport floor) p50", Median(floor), "ms", "");

// Forecast stream throughput: PC coordinates in, forecasts out, writer and reader concurrent.
const int Count = 200_000;
var rates = new List<double>();
for (var round = 0; round < 4; round++)
{
    using var stream = client.Forecast();
    await stream.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit!.Name } });
    var inputs = Enumerable.Range(0, 64).Select(i => new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "m" + i, Coordinates = new V1.Coordinates { Values = { 0.1 * i, -0.05 * i, 0.01 } } } }).ToArray();
    var sw = Stopwatch.StartNew();
    // A bulk client lets the transport batch its writes, as the server batches its answers.
    stream.RequestStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
    var writer = Task.Run(async () =>
    {
        for (var i = 0; i < Count; i++)
        {
            await stream.RequestStream.WriteAsync(inputs[i % inputs.Length]);
        }

        await stream.RequestStream.CompleteAsync();
    });
    var received = 0;
    await foreach (var _ in stream.ResponseStream.ReadAllAsync())
    {
        received++;
    }

    await writer;
    if (received != Count)
    {
        throw new InvalidOperationException($"{received} forecasts for {Count} inputs");
    }

    if (round > 0)
    {
        rates.Add(received / sw.Elapsed.TotalSeconds);
    }
}

Report("Forecasts streamed over one Forecast call (median of 3)", Median(rates), "per s", ">= 50,000 per s");

await app.StopAsync();
await app.DisposeAsync();

// Start to serving: a fresh server process until its health check answers SERVING.
var serverDll = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "ObsScaling.Server.dll");
var starts = new List<double>();
for (var i = 0; i < 5; i++)
{
    starts.Add(await StartToServingAsync(serverDll, Path.Combine(dir.FullName, $"start{i}.db")));
}

Report("Server start to serving (process launch to health SERVING)", Median(starts), "ms", "<= 2000 ms");
dir.Delete(recursive: true);
return 0;

static async Task<double> StartToServingAsync(string serverDll, string db)
{
    var sw = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo("dotnet", [serverDll, "--urls=http://127.0.0.1:0", $"--ObsScaling:DatabasePath={db}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    try
    {
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith(ObsScalingServer.ListeningBanner, StringComparison.Ordinal))
        {
        }

        var url = line![ObsScalingServer.ListeningBanner.Length..];
        using var channel = GrpcChannel.ForAddress(url);
        var health = new Health.HealthClient(channel);
        var reply = await health.CheckAsync(new HealthCheckRequest());
        if (reply.Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new InvalidOperationException("server not serving");
        }

        return sw.Elapsed.TotalMilliseconds;
    }
    finally
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

static double Median(IEnumerable<double> values)
{
    var v = values.Order().ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[(v.Length / 2) - 1] + v[v.Length / 2]);
}

static void Report(string what, double value, string unit, string target) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-60} {value,12:N3} {unit,-6} target {target}"));

static string FindData() =>
    ObsScaling.Testing.PaperDataDirectory.Path ?? throw new InvalidOperationException(ObsScaling.Testing.PaperDataDirectory.SkipReason);
