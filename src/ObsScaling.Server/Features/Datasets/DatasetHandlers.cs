using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>Datasets and their models: import (streamed or in one request), read, page and delete.</summary>
internal sealed class DatasetHandlers(IDatasetStore store, DatasetImport import, FitWatchHub hub, IOptions<ServerOptions> options, DecompositionCache decompositions, AnswerBudget answers)
{
    private readonly ServerOptions _options = options.Value;

    /// <summary>The unary form of <see cref="ImportModels"/>: the header and models replayed as its stream would carry them.</summary>
    public Task<V1.ImportModelsResponse> BatchImportModels(V1.BatchImportModelsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = new List<V1.ImportModelsRequest>(request.Models.Count + 1) { new() { Header = request.Header ?? new V1.ImportHeader() } };
        messages.AddRange(request.Models.Select(m => new V1.ImportModelsRequest { Model = m }));
        return ImportModels(new ListStreamReader<V1.ImportModelsRequest>(messages), context);
    }

    public async Task<V1.ImportModelsResponse> ImportModels(IAsyncStreamReader<V1.ImportModelsRequest> requestStream, ServerCallContext context)
    {
        V1.ImportHeader? header = null;
        var models = new List<ModelRecord>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var violations = new List<FieldViolation>();
        var index = 0;
        long bytes = 0;
        await foreach (var item in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            // The models stay in memory until the stream ends (all or nothing), at ~5 bytes of heap per byte sent;
            // a count cap alone let 228 MB of wide models hold 1.2 GB.
            bytes += item.CalculateSize();
            if (bytes > _options.MaxImportBytes)
            {
                throw StatusMapping.ResourceExhausted(
                    $"An import may carry at most {_options.MaxImportBytes} bytes of messages (ObsScaling:MaxImportBytes); this one passed it at message {index}. Split it into appends.");
            }

            switch (item.ItemCase)
            {
                case V1.ImportModelsRequest.ItemOneofCase.Header when header is null && index == 0:
                    header = item.Header;
                    context.UserState["dataset"] = header.Dataset;
                    break;
                case V1.ImportModelsRequest.ItemOneofCase.Header:
                    throw new ObsValidationException("header", item.Header.Dataset, "the header must be the first message and appear once");
                case V1.ImportModelsRequest.ItemOneofCase.Model when header is not null:
                    var at = $"models[{models.Count}]";
                    if (models.Count >= _options.MaxImportModels)
                    {
                        throw StatusMapping.ResourceExhausted($"An import may carry at most {_options.MaxImportModels} models.");
                    }

                    if (string.IsNullOrWhiteSpace(item.Model.Name))
                    {
                        violations.Add(new FieldViolation(at + ".name", item.Model.Name, "a model needs a name"));
                    }
                    else if (!names.TryAdd(item.Model.Name, models.Count))
                    {
                        violations.Add(new FieldViolation(at + ".name", item.Model.Name, $"sent twice in this import (first as models[{names[item.Model.Name]}])"));
                    }

                    if (item.Model.HasReleaseDate && !DomainMapping.TryReleaseDate(item.Model.ReleaseDate, out _))
                    {
                        violations.Add(new FieldViolation(at + ".release_date", item.Model.ReleaseDate, "a release date is a calendar date written YYYY-MM-DD"));
                    }

                    models.Add(item.Model.ToDomain());
                    break;
                case V1.ImportModelsRequest.ItemOneofCase.Model:
                    throw new ObsValidationException("header", "", "the first message must be a header naming the dataset");
                default:
                    throw new ObsValidationException($"messages[{index}]", "", "empty message: set header or model");
            }

            index++;
        }

        if (header is null)
        {
            throw new ObsValidationException("header", "", "the stream carried no header");
        }

        var id = ResourceName.RequireId("header.dataset", header.Dataset);
        if (violations.Count > 0)
        {
            throw new ObsValidationException(violations);
        }

        var outcome = import.Store(id, header.Mode, header.DisplayName, header.Metrics.Select(m => m.ToDomain()).ToArray(), models);
        return new V1.ImportModelsResponse { Dataset = outcome.Dataset, ModelsAdded = outcome.Added, ModelsReplaced = outcome.Replaced };
    }

    public Task<V1.Dataset> GetDataset(V1.GetDatasetRequest request, ServerCallContext context)
    {
        var id = CallScope.DatasetId("name", request.Name, context);
        return Task.FromResult(store.GetDataset(id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id)));
    }

    public Task<V1.ListDatasetsResponse> ListDatasets(V1.ListDatasetsRequest request, ServerCallContext context)
    {
        var pageRequest = PageToken.Parse("datasets", request.PageSize, request.PageToken);
        var (page, total) = PageToken.Read(pageRequest, store.ListDatasets, d => d.Name);
        var response = new V1.ListDatasetsResponse { TotalSize = total, NextPageToken = PageToken.Next(pageRequest, page, total, d => d.Name) };
        response.Datasets.AddRange(page);
        return Task.FromResult(response);
    }

    public Task<Empty> DeleteDataset(V1.DeleteDatasetRequest request, ServerCallContext context)
    {
        var id = CallScope.DatasetId("name", request.Name, context);
        store.DeleteDataset(id, request.Force, request.Etag);
        decompositions.Forget(id);
        hub.DatasetDeleted(id);
        return Task.FromResult(new Empty());
    }

    public async Task<V1.ListModelsResponse> ListModels(V1.ListModelsRequest request, ServerCallContext context)
    {
        var id = CallScope.DatasetId("parent", request.Parent, context);
        var dataset = store.GetDataset(id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));

        // Models are replaced wholesale by a REPLACE import, so a token is tied to the dataset's revision as well.
        var pageRequest = PageToken.Parse("models/" + id, request.PageSize, request.PageToken, dataset.Revision);

        // The page is held from the read until the client has taken it: the budget is taken before reading and
        // given back when the call is over (written, or abandoned), not when this method returns.
        var lease = await answers.AcquireAsync(EstimatedPageBytes(dataset, pageRequest), context.CancellationToken).ConfigureAwait(false);
        context.GetHttpContext().Response.RegisterForDispose(lease);
        var (page, total) = PageToken.Read(pageRequest, (offset, limit) => store.ListModels(id, offset, limit), m => m.Name);
        var response = new V1.ListModelsResponse { TotalSize = total, NextPageToken = PageToken.Next(pageRequest, page, total, m => m.Name) };
        response.Models.AddRange(page);
        return response;
    }

    /// <summary>
    /// What a page of models costs in memory while held: each score is a map entry of ~13 bytes plus its metric's
    /// name on the wire; held, each entry is a map node, a dictionary slot and its own key string (~140 bytes for a
    /// 10-character name), plus the serialised copy in the response pipe: about eight times the wire size (~37 MB
    /// for a 4.6 MB page of 1,000 models × 200 metrics).
    /// </summary>
    private static long EstimatedPageBytes(V1.Dataset dataset, PageRequest page)
    {
        const long WireToHeld = 8;
        var rows = Math.Clamp(dataset.ModelCount - page.Offset, 0, page.Limit);
        var perModel = 64L + dataset.Metrics.Sum(m => 13L + m.Name.Length);
        return rows * perModel * WireToHeld;
    }

}
