using System.Text;
using Grpc.Core;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Errors;

/// <summary>Pagination of the list methods and conditional, forced deletes.</summary>
public class ResourceErrorTests
{
    [Fact]
    public async Task ListDatasets_pages_until_exhausted_with_a_stable_total()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var ids = Enumerable.Range(0, 7).Select(i => $"ds-{i}").ToArray();
        foreach (var id in ids.Reverse())
        {
            await Rpc.ImportRawAsync(server.Client, Rpc.Import(id, [Rpc.Metric("a")], Rpc.Model("m", "f", ("a", 0.5))));
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 3, PageToken = token });
            Assert.Equal(7, page.TotalSize);
            Assert.InRange(page.Datasets.Count, 1, 3);
            seen.AddRange(page.Datasets.Select(d => d.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Select(i => "datasets/" + i), seen);

        var all = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest());
        Assert.Equal(7, all.Datasets.Count);
        Assert.Equal("", all.NextPageToken);

        // An exact multiple of the page size ends without an empty extra page.
        var first = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 7 });
        Assert.Equal(7, first.Datasets.Count);
        Assert.Equal("", first.NextPageToken);

        // Above the maximum is clamped, not refused.
        var clamped = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 1_000_000 });
        Assert.Equal(7, clamped.Datasets.Count);
    }

    [Fact]
    public async Task ListModels_and_ListFits_page_in_order()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(server.Client, "zoo", zoo);

        var names = new List<string>();
        var token = "";
        do
        {
            var page = await server.Client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/zoo", PageSize = 6, PageToken = token });
            Assert.Equal(zoo.Count, page.TotalSize);
            names.AddRange(page.Models.Select(m => m.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0 && names.Count <= zoo.Count);

        Assert.Equal(zoo.Models.Select(m => m.Name), names);

        foreach (var id in new[] { "fit-a", "fit-b", "fit-c" })
        {
            await Rpc.FitEventsAsync(server.Client, new V1.CreateFitRequest { Parent = "zoo", FitId = id, Spec = Rpc.DownstreamSpec() });
        }

        var fits = new List<string>();
        token = "";
        do
        {
            var page = await server.Client.ListFitsAsync(new V1.ListFitsRequest { Parent = "zoo", PageSize = 2, PageToken = token });
            Assert.Equal(3, page.TotalSize);
            fits.AddRange(page.Fits.Select(f => f.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0 && fits.Count <= 3);

        Assert.Equal(["datasets/zoo/fits/fit-a", "datasets/zoo/fits/fit-b", "datasets/zoo/fits/fit-c"], fits.Order());
    }

    [Fact]
    public async Task Foreign_garbled_and_negative_paging_is_invalid_argument()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var client = server.Client;
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(client, "one", zoo);
        await Uploads.ImportAsync(client, "two", zoo);
        await Rpc.FitEventsAsync(client, new V1.CreateFitRequest { Parent = "one", FitId = "a", Spec = Rpc.DownstreamSpec() });
        await Rpc.FitEventsAsync(client, new V1.CreateFitRequest { Parent = "one", FitId = "b", Spec = Rpc.DownstreamSpec() });

        var modelsOfOne = (await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "one", PageSize = 5 })).NextPageToken;
        var datasets = (await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 1 })).NextPageToken;
        var fitsOfOne = (await client.ListFitsAsync(new V1.ListFitsRequest { Parent = "one", PageSize = 1 })).NextPageToken;
        Assert.NotEmpty(modelsOfOne);
        Assert.NotEmpty(datasets);
        Assert.NotEmpty(fitsOfOne);

        // A token is bound to its collection: another dataset's, another method's, or a forged one is refused.
        await Rpc.InvalidAsync(() => client.ListModelsAsync(new V1.ListModelsRequest { Parent = "two", PageToken = modelsOfOne }).ResponseAsync, "page_token", modelsOfOne);
        await Rpc.InvalidAsync(() => client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageToken = modelsOfOne }).ResponseAsync, "page_token", modelsOfOne);
        await Rpc.InvalidAsync(() => client.ListModelsAsync(new V1.ListModelsRequest { Parent = "one", PageToken = datasets }).ResponseAsync, "page_token", datasets);
        await Rpc.InvalidAsync(() => client.ListFitsAsync(new V1.ListFitsRequest { Parent = "two", PageToken = fitsOfOne }).ResponseAsync, "page_token", fitsOfOne);
        foreach (var garbled in new[] { "!!not-base64!!", "Zm9v", modelsOfOne[..^2], Convert.ToBase64String(Encoding.UTF8.GetBytes("datasets|-5")), Convert.ToBase64String(Encoding.UTF8.GetBytes("datasets|99999999999")), Convert.ToBase64String(Encoding.UTF8.GetBytes("datasets|1|2")) })
        {
            await Rpc.InvalidAsync(() => client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageToken = garbled }).ResponseAsync, "page_token", garbled);
        }

        await Rpc.InvalidAsync(() => client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = -1 }).ResponseAsync, "page_size", "-1");
        await Rpc.InvalidAsync(() => client.ListModelsAsync(new V1.ListModelsRequest { Parent = "one", PageSize = -5 }).ResponseAsync, "page_size", "-5");
        await Rpc.InvalidAsync(() => client.ListFitsAsync(new V1.ListFitsRequest { Parent = "one", PageSize = int.MinValue }).ResponseAsync, "page_size", int.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Rpc.InvalidAsync(() => client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = "datasets/one/fits/a", PageSize = -1 }).ResponseAsync, "page_size", "-1");
        await Rpc.InvalidAsync(() => client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = "datasets/one/fits/a", PageToken = fitsOfOne }).ResponseAsync, "page_token", fitsOfOne);

        // The token itself still works where it belongs.
        var second = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "one", PageSize = 5, PageToken = modelsOfOne });
        Assert.Equal(zoo.Models.Skip(5).Take(5).Select(m => m.Name), second.Models.Select(m => m.Name));
    }

    [Fact]
    public async Task A_page_token_from_before_a_change_that_would_skip_rows_is_aborted_not_followed()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var client = server.Client;
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(client, "paged", zoo);

        // A REPLACE import between pages: the old token would page on through the new models at the old offset.
        var models = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "paged", PageSize = 5 });
        await Uploads.ImportAsync(client, "paged", Rpc.SmallZoo(seed: 5), V1.ImportMode.Replace);
        var aborted = await Rpc.FailsAsync(StatusCode.Aborted, () => client.ListModelsAsync(new V1.ListModelsRequest { Parent = "paged", PageSize = 5, PageToken = models.NextPageToken }).ResponseAsync);
        Assert.Contains("list again from the start", aborted.Message, StringComparison.Ordinal);

        // A dataset deleted before the position: the next page would skip a dataset that was never shown.
        foreach (var name in new[] { "a-first", "b-second", "c-third" })
        {
            await Uploads.ImportAsync(client, name, zoo);
        }

        var first = await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 2 });
        await client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = first.Datasets[0].Name });
        await Rpc.FailsAsync(StatusCode.Aborted, () => client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 2, PageToken = first.NextPageToken }).ResponseAsync);

        // Rows added after the position do not disturb a listing: every dataset is seen once.
        var seen = new List<string>();
        var page = await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 2 });
        seen.AddRange(page.Datasets.Select(d => d.Name));
        await Uploads.ImportAsync(client, "z-late", zoo);
        while (page.NextPageToken.Length > 0)
        {
            page = await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 2, PageToken = page.NextPageToken });
            seen.AddRange(page.Datasets.Select(d => d.Name));
        }

        Assert.Equal(["datasets/b-second", "datasets/c-third", "datasets/paged", "datasets/z-late"], seen);

        // One flipped character anywhere in a token makes it a token of no collection.
        var token = (await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "paged", PageSize = 5 })).NextPageToken;
        for (var i = 0; i < token.Length; i += 7)
        {
            var edited = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            await Rpc.InvalidAsync(() => client.ListModelsAsync(new V1.ListModelsRequest { Parent = "paged", PageToken = edited }).ResponseAsync, "page_token", edited);
        }
    }

    [Fact]
    public async Task Deleting_a_dataset_with_fits_needs_force_and_a_stale_etag_is_aborted()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var client = server.Client;
        var imported = await Uploads.ImportAsync(client, "doomed", Rpc.SmallZoo());
        var fit = (await Rpc.FitEventsAsync(client, new V1.CreateFitRequest { Parent = "doomed", FitId = "law", Spec = Rpc.DownstreamSpec() })).Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
        var recorded = await Rpc.ForecastAsync(client, new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name, Record = true } }, new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "x", Coordinates = new V1.Coordinates { Values = { 0.1, 0.2 } } } });
        Assert.Single(recorded);

        var description = await Rpc.PreconditionAsync(() => client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/doomed" }).ResponseAsync, "force", "false");
        Assert.Contains("1 fit(s)", description, StringComparison.Ordinal);

        // Change the dataset: the etag the client holds is now stale, even with force.
        await Rpc.ImportRawAsync(client, Rpc.Import("doomed", [], Rpc.Model("late-arrival", "family-01", ("bench-1", 0.5))));
        var current = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "doomed" });
        Assert.NotEqual(imported.Dataset.Etag, current.Etag);
        var aborted = await Rpc.FailsAsync(StatusCode.Aborted, () => client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/doomed", Force = true, Etag = imported.Dataset.Etag }).ResponseAsync);
        Assert.Contains(imported.Dataset.Etag, aborted.Message, StringComparison.Ordinal);
        Assert.Equal(current.Etag, (await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "doomed" })).Etag);
        Assert.NotNull(await client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }));

        await Rpc.InvalidAsync(() => client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/Doomed", Force = true }).ResponseAsync, "name", "datasets/Doomed");

        await client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/doomed", Force = true, Etag = current.Etag });
        await Rpc.NotFoundAsync(() => client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "doomed" }).ResponseAsync, "Dataset", "datasets/doomed");
        await Rpc.NotFoundAsync(() => client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }).ResponseAsync, "Fit", fit.Name);
        await Rpc.NotFoundAsync(() => client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = fit.Name }).ResponseAsync, "Fit", fit.Name);
        await Rpc.NotFoundAsync(() => client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/doomed", Force = true }).ResponseAsync, "Dataset", "datasets/doomed");

        // The name is free again, with nothing of the old dataset left over.
        var reborn = await Uploads.ImportAsync(client, "doomed", Rpc.SmallZoo(seed: 9), V1.ImportMode.Create);
        Assert.Equal(1, reborn.Dataset.Revision);
        Assert.Equal(0, (await client.ListFitsAsync(new V1.ListFitsRequest { Parent = "doomed" })).TotalSize);
    }

    [Fact]
    public async Task A_dataset_without_fits_deletes_without_force()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var imported = await Uploads.ImportAsync(server.Client, "plain", Rpc.SmallZoo());
        await server.Client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "plain", Etag = imported.Dataset.Etag });
        await Rpc.NotFoundAsync(() => server.Client.ListModelsAsync(new V1.ListModelsRequest { Parent = "plain" }).ResponseAsync, "Dataset", "datasets/plain");
    }
}
