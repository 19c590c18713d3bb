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

    public async Task RunAsync(DateTime end)
    {
        var random = new Random(settings.Seed + index);
        var total = settings.ForecastWeight + settings.FitWeight + settings.DecomposeWeight;
        while (DateTime.UtcNow < end && recorder.TryClaim(settings.MaxRequests))
        {
            var pick = random.Next(total);
            var kind = pick < settings.ForecastWeight ? Forecast : pick < settings.ForecastWeight + settings.FitWeight ? Fit : Decompose;
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
