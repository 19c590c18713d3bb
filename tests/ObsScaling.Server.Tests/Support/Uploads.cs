using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Support;

internal static class Uploads
{
    /// <summary>Streams a model set into a dataset through ImportModels, as any client would.</summary>
    public static async Task<V1.ImportModelsResponse> ImportAsync(V1.ObsScaling.ObsScalingClient client, string dataset, ModelSet models, V1.ImportMode mode = V1.ImportMode.Unspecified)
    {
        using var call = client.ImportModels();
        var header = new V1.ImportHeader { Dataset = dataset, Mode = mode };
        header.Metrics.AddRange(models.OrderedMetrics().Select(m => m.ToProto()));
        await call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header });
        foreach (var m in models.Models)
        {
            await call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() });
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    public static async Task<V1.Fit> FitAsync(V1.ObsScaling.ObsScalingClient client, string dataset, V1.FitSpec spec, string? fitId = null, List<V1.Progress>? progress = null)
    {
        using var call = client.CreateFit(new V1.CreateFitRequest { Parent = "datasets/" + dataset, FitId = fitId ?? "", Spec = spec });
        V1.Fit? fit = null;
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            if (e.EventCase == V1.FitEvent.EventOneofCase.Progress)
            {
                progress?.Add(e.Progress);
            }
            else
            {
                fit = e.Fit;
            }
        }

        return fit ?? throw new InvalidOperationException("no fit in the stream");
    }
}
