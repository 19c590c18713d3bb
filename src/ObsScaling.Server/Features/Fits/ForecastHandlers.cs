using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Forecasting;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>Forecast: a stored fit answering a stream of models, each answer recorded when the client asks.</summary>
internal sealed class ForecastHandlers(IDatasetStore store)
{
    private const int FlushEvery = 256;

    public async Task Forecast(IAsyncStreamReader<V1.ForecastRequest> requestStream, IServerStreamWriter<V1.ForecastResponse> responseStream, ServerCallContext context)
    {
        StoredLaw? law = null;
        var datasetEtag = "";
        string dataset = "", fitId = "";
        var record = false;
        long sequence = 0;

        // One HTTP/2 flush per answer caps a stream at a few tens of thousands of forecasts a second. Answers are
        // held instead and sent whenever the client has nothing more queued (or every FlushEvery answers), so an
        // interactive client still gets each answer at once and a bulk client gets them in batches. A recorded
        // answer names its forecast, so the batch's records commit before any of its answers is written: a name
        // a client has seen always exists, whatever happens to the stream or the process afterwards.
        var body = context.GetHttpContext().Response.BodyWriter;
        responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        var answers = new List<V1.ForecastResponse>();
        var records = new List<V1.RecordedForecast>();

        async Task Deliver()
        {
            store.AddForecasts(dataset, fitId, records);
            records.Clear();
            foreach (var answer in answers)
            {
                await responseStream.WriteAsync(answer, context.CancellationToken).ConfigureAwait(false);
            }

            answers.Clear();
            await body.FlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        try
        {
            while (true)
            {
                var next = requestStream.MoveNext(context.CancellationToken);
                if (answers.Count > 0 && (!next.IsCompleted || answers.Count >= FlushEvery))
                {
                    await Deliver().ConfigureAwait(false);
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                var request = requestStream.Current;
                switch (request.ItemCase)
                {
                    case V1.ForecastRequest.ItemOneofCase.Setup when law is null:
                        (dataset, fitId) = ResourceName.ParseFit("setup.fit", request.Setup.Fit);
                        context.UserState["dataset"] = dataset;
                        var fit = store.GetFit(dataset, fitId) ?? throw new ResourceNotFoundException("Fit", request.Setup.Fit);
                        law = LawMapping.ToStoredLaw(fit);
                        datasetEtag = fit.DatasetEtag;
                        record = request.Setup.Record;
                        break;
                    case V1.ForecastRequest.ItemOneofCase.Setup:
                        throw new ObsValidationException("setup", request.Setup.Fit, "the setup must be sent once, first");
                    case V1.ForecastRequest.ItemOneofCase.Input when law is not null:
                        var (result, stored) = Answer(law, request.Input, sequence, record ? (dataset, fitId, datasetEtag) : null);
                        if (stored is not null)
                        {
                            records.Add(stored);
                        }

                        answers.Add(new V1.ForecastResponse { Result = result });
                        sequence++;
                        break;
                    case V1.ForecastRequest.ItemOneofCase.Input:
                        throw new ObsValidationException("setup", "", "the first message must be a setup naming the fit");
                    default:
                        throw new ObsValidationException($"messages[{sequence}]", "", "empty message: set setup or input");
                }
            }
        }
        catch (Exception ex) when (ex is ObsValidationException or ObsPreconditionException && answers.Count > 0 && !context.CancellationToken.IsCancellationRequested)
        {
            // The inputs before the bad one were answered: the client gets (and the store keeps) them, then the error.
            await Deliver().ConfigureAwait(false);
            throw;
        }

        if (answers.Count > 0)
        {
            await Deliver().ConfigureAwait(false);
        }
    }

    /// <summary>The most inputs one BatchForecast takes; a larger batch is a stream's work.</summary>
    internal const int MaxBatchInputs = 10_000;

    public Task<V1.BatchForecastResponse> BatchForecast(V1.BatchForecastRequest request, ServerCallContext context)
    {
        var (dataset, fitId) = ResourceName.ParseFit("fit", request.Fit);
        context.UserState["dataset"] = dataset;
        if (request.Inputs.Count == 0)
        {
            throw new ObsValidationException("inputs", "[]", "give at least one model to forecast");
        }

        if (request.Inputs.Count > MaxBatchInputs)
        {
            throw new ObsValidationException("inputs", request.Inputs.Count.ToString(CultureInfo.InvariantCulture), $"at most {MaxBatchInputs} inputs per batch; stream larger batches with Forecast");
        }

        var fit = store.GetFit(dataset, fitId) ?? throw new ResourceNotFoundException("Fit", request.Fit);
        var law = LawMapping.ToStoredLaw(fit);
        var response = new V1.BatchForecastResponse();
        var records = new List<V1.RecordedForecast>();
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var (result, stored) = Answer(law, request.Inputs[i], i, request.Record ? (dataset, fitId, fit.DatasetEtag) : null);
            response.Results.Add(result);
            if (stored is not null)
            {
                records.Add(stored);
            }
        }

        // Every input was valid: the records commit together, before any name reaches the client.
        store.AddForecasts(dataset, fitId, records);
        return Task.FromResult(response);
    }

    /// <summary>One model's answer, and its record when the caller records (the dataset, fit and etag it is recorded under).</summary>
    private static (V1.ForecastResult Result, V1.RecordedForecast? Record) Answer(StoredLaw law, V1.ForecastInput input, long sequence, (string Dataset, string Fit, string Etag)? recordUnder)
    {
        LawForecast forecast;
        try
        {
            forecast = law.Forecast(LawMapping.ToDomain(input));
        }
        catch (ObsValidationException ex) when (ex.Violations.Count > 0)
        {
            // The path is built only when a violation needs it: this runs once per forecast of a stream.
            throw FieldPaths.Rerooted(ex, FieldPaths.Under($"inputs[{sequence.ToString(CultureInfo.InvariantCulture)}]"));
        }

        var result = LawMapping.ToProto(forecast, input.Model, sequence);
        if (recordUnder is not { } under)
        {
            return (result, null);
        }

        result.Forecast = ResourceName.Forecast(under.Dataset, under.Fit, "fc-" + Guid.NewGuid().ToString("N")[..12]);
        return (result, new V1.RecordedForecast { Name = result.Forecast, Result = result, DatasetEtag = under.Etag, CreateTime = Timestamp.FromDateTime(DateTime.UtcNow) });
    }
}
