using System.Diagnostics;
using Grpc.Core;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.LoadGen;

/// <summary>
/// One simulated client on its own connection: until the level ends or its request budget is spent, it picks a call
/// by the mix (seeded) — a Forecast stream of many models, a Fit of the paper's GSM8K law, or a Decompose — and
/// records its latency or its error.
/// </summary>
internal sealed class LoadClient(V1.ObsScaling.ObsScalingClient client, int index, LoadSettings settings, LoadRecorder recorder)
{
    public const string Forecast = "forecast stream";
    public const string Fit = "fit";
    public const string Decompose = "decompose";

    public async Task RunAsync(DateTime end, int clients)
    {
        var random = new Random(settings.Seed + index);
        var total = settings.ForecastWeight + settings.FitWeight + settings.DecomposeWeight;
        var unaryTotal = settings.FitWeight + settings.DecomposeWeight;

        // Paced (open loop): each client issues its share of the stated rates on a schedule, so latency is measured
        // at a known throughput instead of at saturation; a call that is late does not push the schedule back.
        var started = DateTime.UtcNow;
        var forecastEvery = settings.ForecastRate > 0 ? TimeSpan.FromSeconds(settings.StreamSize * clients / settings.ForecastRate) : TimeSpan.MaxValue;
        var unaryEvery = settings.UnaryRate > 0 ? TimeSpan.FromSeconds(clients / settings.UnaryRate) : TimeSpan.MaxValue;
        var nextForecast = forecastEvery == TimeSpan.MaxValue ? DateTime.MaxValue : started + (forecastEvery * random.NextDouble());
        var nextUnary = unaryEvery == TimeSpan.MaxValue ? DateTime.MaxValue : started + (unaryEvery * random.NextDouble());
        while (DateTime.UtcNow < end && recorder.TryClaim(settings.MaxRequests))
        {
            string kind;
            if (settings.Paced)
            {
                var forecastFirst = nextForecast <= nextUnary;
                var due = forecastFirst ? nextForecast : nextUnary;
                if (due >= end)
                {
                    break;
                }

                if (due > DateTime.UtcNow)
                {
                    await Task.Delay(due - DateTime.UtcNow);
                }

                if (forecastFirst)
                {
                    kind = Forecast;
                    nextForecast += forecastEvery;
                }
                else
                {
                    kind = unaryTotal > 0 && random.Next(unaryTotal) < settings.FitWeight ? Fit : Decompose;
                    nextUnary += unaryEvery;
                }
            }
            else
            {
                var pick = random.Next(total);
                kind = pick < settings.ForecastWeight ? Forecast : pick < settings.ForecastWeight + settings.FitWeight ? Fit : Decompose;
            }

            var watch = Stopwatch.StartNew();
            try
            {
                switch (kind)
                {
                    case Forecast:
                        recorder.AddForecasts(await StreamAsync(random));
                        break;
                    case Fit:
                        await FitAsync();
                        break;
                    default:
                        await client.DecomposeAsync(settings.Decompose, deadline: DateTime.UtcNow.AddSeconds(30));
                        break;
                }

                recorder.Record(kind, watch.Elapsed.TotalMilliseconds);
            }
            catch (RpcException ex)
            {
                recorder.Error(ex.StatusCode);
            }
        }
    }

    private async Task<long> StreamAsync(Random random)
    {
        using var call = client.Forecast(deadline: DateTime.UtcNow.AddSeconds(60));
        await call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = settings.FitName } });

        // A bulk client lets the transport batch its writes, as the server batches its answers.
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        var offset = random.Next(settings.Inputs.Length);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < settings.StreamSize; i++)
            {
                await call.RequestStream.WriteAsync(settings.Inputs[(offset + i) % settings.Inputs.Length]);
            }

            await call.RequestStream.CompleteAsync();
        });
        long received = 0;
        while (await call.ResponseStream.MoveNext())
        {
            received++;
        }

        await writer;
        if (received != settings.StreamSize)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, $"{received} forecasts for {settings.StreamSize} inputs"));
        }

        return received;
    }

    private async Task FitAsync()
    {
        // Each client refits its own fit: concurrent fits of one dataset, each stored (replacing the client's last).
        using var call = client.CreateFit(new V1.CreateFitRequest { Parent = settings.Dataset, FitId = $"churn-{index}", Spec = settings.Spec, Replace = true }, deadline: DateTime.UtcNow.AddSeconds(60));
        var fitted = false;
        while (await call.ResponseStream.MoveNext())
        {
            fitted |= call.ResponseStream.Current.EventCase == V1.FitEvent.EventOneofCase.Fit;
        }

        if (!fitted)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, "the fit stream ended without a fit"));
        }
    }
}
