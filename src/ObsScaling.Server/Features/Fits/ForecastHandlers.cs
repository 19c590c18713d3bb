using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Forecasting;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Storage;
using ObsScaling.Server.Services;
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
                        var at = sequence;
                        var result = LawMapping.ToProto(LawMapping.At(() => law.Forecast(LawMapping.ToDomain(request.Input)), () => $"inputs[{at.ToString(CultureInfo.InvariantCulture)}]"), request.Input.Model, sequence);
                        if (record)
                        {
                            var forecastId = "fc-" + Guid.NewGuid().ToString("N")[..12];
                            result.Forecast = ResourceName.Forecast(dataset, fitId, forecastId);
                            records.Add(new V1.RecordedForecast { Name = result.Forecast, Result = result, DatasetEtag = datasetEtag, CreateTime = Timestamp.FromDateTime(DateTime.UtcNow) });
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
}
