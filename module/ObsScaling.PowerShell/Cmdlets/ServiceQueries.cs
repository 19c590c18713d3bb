using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Paged listings shared by cmdlets and argument completers.</summary>
internal static class ServiceQueries
{
    public static async Task<List<V1.Dataset>> ListDatasetsAsync(V1.ObsScaling.ObsScalingClient client, global::Grpc.Core.CallOptions options)
    {
        var all = new List<V1.Dataset>();
        var token = "";
        do
        {
            var page = await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 1000, PageToken = token }, options).ConfigureAwait(false);
            all.AddRange(page.Datasets);
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    public static async Task<List<ObsModel>> ListModelsAsync(V1.ObsScaling.ObsScalingClient client, string dataset, global::Grpc.Core.CallOptions options)
    {
        var name = Names.Dataset(dataset);
        var ds = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = name }, options).ConfigureAwait(false);
        var metrics = ds.Metrics.Select(ObsMetric.FromProto).ToArray();
        var all = new List<ObsModel>();
        var token = "";
        do
        {
            var page = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = name, PageSize = 1000, PageToken = token }, options).ConfigureAwait(false);
            all.AddRange(page.Models.Select(m => ObsModel.FromProto(m, Names.DatasetId(dataset), metrics)));
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }
}
