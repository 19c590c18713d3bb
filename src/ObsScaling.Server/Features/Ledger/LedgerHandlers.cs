using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Forecasting;
using ObsScaling.Core.Ledger;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>The preregistration ledger: immutable forecasts recorded before a model is evaluated, scored later.</summary>
internal sealed class LedgerHandlers(IDatasetStore store, ILedgerStore ledgers, HeavyWork work, IOptions<ServerOptions> options)
{
    public Task<V1.CreatePreregistrationsResponse> CreatePreregistrations(V1.CreatePreregistrationsRequest request, ServerCallContext context)
    {
        var ledger = ResourceName.ParseLedger("parent", request.Parent);
        var (datasetId, fitId) = ResourceName.ParseFit("fit", request.Fit);
        context.UserState["dataset"] = datasetId;
        ValidateCreate(request);
        var fit = store.GetFit(datasetId, fitId) ?? throw new ResourceNotFoundException("Fit", request.Fit);
        if (request.HasLevel && (fit.Intervals is null || fit.Intervals.Method == V1.IntervalMethod.Unspecified))
        {
            throw new ObsValidationException("level", R(request.Level), $"{request.Fit} has no forecast intervals (fit it with spec.intervals set)");
        }

        var (dataset, models) = store.LoadDataset(datasetId);
        if (dataset.Etag != fit.DatasetEtag)
        {
            throw new ObsPreconditionException("fit", request.Fit, $"the dataset changed since the fit (fitted on etag {fit.DatasetEtag}, now {dataset.Etag}); refit before recording forecasts");
        }

        var (dataHash, dataRows) = FittedDataHash(fit, models);
        var forecastFit = fit;
        if (request.HasLevel)
        {
            forecastFit = fit.Clone();
            forecastFit.Intervals.Level = request.Level;
        }

        var law = LawMapping.ToStoredLaw(forecastFit);
        var inputs = new List<(LawInput Input, V1.PreregistrationInput Kept, Func<string, string> Rename)>();
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            inputs.Add((LawMapping.ToDomain(request.Inputs[i]), request.Inputs[i], FieldPaths.Under($"inputs[{i.ToString(CultureInfo.InvariantCulture)}]")));
        }

        if (request.Models.Count > 0)
        {
            var sourceId = ResourceName.ParseDataset("source_dataset", request.SourceDataset);
            var (_, source) = store.LoadDataset(sourceId);
            for (var j = 0; j < request.Models.Count; j++)
            {
                var field = $"models[{j}]";
                if (!source.TryGet(request.Models[j], out var record))
                {
                    throw new ObsValidationException(field, request.Models[j], $"not a model of {ResourceName.Dataset(sourceId)}");
                }

                var under = FieldPaths.Under(field);
                var input = FieldPaths.Run(() => law.InputFor(record), under);
                inputs.Add((input, LawMapping.ToPreregistrationInput(input), under));
            }
        }

        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var entries = new List<V1.Preregistration>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var (input, kept, rename) = inputs[i];
            var result = FieldPaths.Run(() => law.Forecast(input), rename);
            var entry = new V1.Preregistration
            {
                Name = ResourceName.LedgerEntry(ledger, "p-" + Guid.NewGuid().ToString("N")[..12]),
                CreateTime = now,
                Fit = fit.Name,
                DatasetRevision = fit.DatasetRevision,
                DatasetEtag = fit.DatasetEtag,
                DataHash = dataHash,
                DataRows = dataRows,
                Spec = fit.Spec,
                Law = fit.Law,
                IntervalMethod = fit.Intervals?.Method ?? V1.IntervalMethod.Unspecified,
                IntervalResamples = fit.Intervals is { } e && e.ParameterCount > 0 ? e.Parameters.Count / e.ParameterCount : 0,
                Target = fit.Spec.Target,
                Input = kept,
                Predicted = result.Predicted,
                PredictedRaw = result.PredictedRaw,
                Note = request.Note,
            };
            entry.Predictors.AddRange(result.Predictors);
            if (result is { Lower: { } lower, Upper: { } upper, LowerRaw: { } lowerRaw, UpperRaw: { } upperRaw })
            {
                (entry.Lower, entry.Upper, entry.LowerRaw, entry.UpperRaw) = (lower, upper, lowerRaw, upperRaw);
                entry.Level = forecastFit.Intervals.Level;
            }

            // Recording a forecast for a model whose value is already known is allowed (a late entry, or a check
            // of the machinery) but flagged, so that a ledger never passes it off as made in advance.
            if (models.TryGet(input.Model, out var known) && known.Score(fit.Spec.Target) is var observed && double.IsFinite(observed))
            {
                entry.AlreadyObserved = true;
                entry.AlreadyObservedRaw = observed;
            }

            entries.Add(entry);
        }

        var requestId = request.RequestId;
        var stored = ledgers.Add(ledger, entries, requestId, string.IsNullOrEmpty(requestId) ? null : RequestContentHash(request));
        var recorded = stored.Replayed ? ledgers.Range(ledger, stored.FirstSeq, stored.LastSeq) : entries;
        return Task.FromResult(CreationAnswer(recorded, requestId, stored.Replayed));
    }

    /// <summary>Largest answer that carries the entries: half a client's default 4 MiB receive limit.</summary>
    internal const int MaxCreationAnswerBytes = 2 * 1024 * 1024;

    private const int MaxRequestIdLength = 128;

    private static V1.CreatePreregistrationsResponse CreationAnswer(IReadOnlyList<V1.Preregistration> entries, string requestId, bool replayed)
    {
        // An answer larger than the client accepts arrives as RESOURCE_EXHAUSTED after the commit, and a client
        // that retries then doubles an immutable ledger; a large creation answers with its batch summary only.
        var batch = new V1.PreregistrationBatch
        {
            Count = entries.Count,
            First = entries.Count > 0 ? entries[0].Name : "",
            Last = entries.Count > 0 ? entries[^1].Name : "",
            Replayed = replayed,
            RequestId = requestId,
        };
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long bytes = 0;
        foreach (var e in entries)
        {
            // The hash covers the entries as recorded, so the score a replay may carry by now is left out.
            var recorded = e.Score is null ? e : WithoutScore(e);
            var b = recorded.ToByteArray();
            sha.AppendData(b);
            bytes += e.CalculateSize() + 8;
        }

        batch.ContentSha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
        var response = new V1.CreatePreregistrationsResponse { Batch = batch };
        if (bytes + batch.CalculateSize() > MaxCreationAnswerBytes)
        {
            batch.EntriesOmitted = true;
        }
        else
        {
            response.Entries.AddRange(entries);
        }

        return response;
    }

    private static V1.Preregistration WithoutScore(V1.Preregistration e)
    {
        var copy = e.Clone();
        copy.Score = null;
        return copy;
    }

    /// <summary>SHA-256 of the request without its request ID: what "the same content" means for a retry.</summary>
    private static string RequestContentHash(V1.CreatePreregistrationsRequest request)
    {
        var copy = request.Clone();
        copy.RequestId = "";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copy.ToByteArray()));
    }

    public Task<V1.Preregistration> GetPreregistration(V1.GetPreregistrationRequest request, ServerCallContext context)
    {
        var (ledger, entry) = ResourceName.ParseLedgerEntry("name", request.Name);
        return Task.FromResult(ledgers.Get(ledger, entry) ?? throw new ResourceNotFoundException("Preregistration", request.Name));
    }

    public Task<V1.ListPreregistrationsResponse> ListPreregistrations(V1.ListPreregistrationsRequest request, ServerCallContext context)
    {
        var ledger = ResourceName.ParseLedger("parent", request.Parent);
        if (!ledgers.Exists(ledger))
        {
            throw new ResourceNotFoundException("Ledger", ResourceName.Ledger(ledger));
        }

        // A keyset page: the token carries the seq of the last entry sent, and one page is one indexed range read
        // (entries are only appended, and an entry that is scored between pages moves between states without
        // making a later page skip anything). The summary needs the scores only, not the entries.
        var collection = $"entries-after/{ledger}/{request.State}";
        var pageRequest = PageToken.Parse(collection, request.PageSize, request.PageToken);
        var (page, lastSeq, more) = ledgers.Page(ledger, request.State, pageRequest.Offset, pageRequest.Limit);
        var (count, scores) = ledgers.Tally(ledger, request.State);
        var response = new V1.ListPreregistrationsResponse
        {
            TotalSize = count,
            NextPageToken = more ? PageToken.After(pageRequest, lastSeq) : "",
            Summary = Summary(count, scores),
        };
        response.Entries.AddRange(page);
        return Task.FromResult(response);
    }

    public async Task<V1.ScorePreregistrationsResponse> ScorePreregistrations(V1.ScorePreregistrationsRequest request, ServerCallContext context)
    {
        var ledger = ResourceName.ParseLedger("parent", request.Parent);
        var hasDataset = !string.IsNullOrEmpty(request.Dataset);
        if (hasDataset == (request.Observed.Count > 0))
        {
            throw new ObsValidationException(hasDataset ? "observed" : "dataset", hasDataset ? $"{request.Observed.Count} value(s)" : "", "give either a dataset holding the observed scores or observed values, exactly one of them");
        }

        var violations = new List<FieldViolation>();
        for (var i = 0; i < request.Observed.Count; i++)
        {
            var o = request.Observed[i];
            if (string.IsNullOrWhiteSpace(o.Model))
            {
                violations.Add(new FieldViolation($"observed[{i}].model", o.Model, "required: the model observed"));
            }

            if (!double.IsFinite(o.Value))
            {
                violations.Add(new FieldViolation($"observed[{i}].value", R(o.Value), "must be finite"));
            }
        }

        if (violations.Count > 0)
        {
            throw new ObsValidationException(violations);
        }

        var all = ExistingLedger(ledger);
        var selected = all;
        if (request.Entries.Count > 0)
        {
            var byId = all.ToDictionary(e => ResourceName.EntryId(e.Name), StringComparer.Ordinal);
            selected = [];
            for (var i = 0; i < request.Entries.Count; i++)
            {
                var id = request.Entries[i].Contains('/', StringComparison.Ordinal) ? ResourceName.ParseLedgerEntry($"entries[{i}]", request.Entries[i]) : (ledger, request.Entries[i]);
                if (id.Item1 != ledger || !byId.TryGetValue(id.Item2, out var e))
                {
                    throw new ObsValidationException($"entries[{i}]", request.Entries[i], $"not an entry of {ResourceName.Ledger(ledger)}");
                }

                selected.Add(e);
            }
        }

        Func<V1.Preregistration, double?> observe;
        string source;
        if (hasDataset)
        {
            var sourceId = ResourceName.ParseDataset("dataset", request.Dataset);
            context.UserState["dataset"] = sourceId;
            var (ds, models) = store.LoadDataset(sourceId);
            source = $"{ds.Name}@{ds.Etag}";
            observe = e => models.TryGet(e.Input.Model, out var m) && m.Score(e.Target) is var v && double.IsFinite(v) ? v : null;
        }
        else
        {
            source = "explicit";

            // The last value given for the model (with the entry's target or no metric) wins, as it always did; a
            // lookup of each (model, metric)'s last index instead of a scan per entry keeps this entries + observed.
            var last = new Dictionary<(string Model, string Metric), (int At, double Value)>();
            for (var i = 0; i < request.Observed.Count; i++)
            {
                last[(request.Observed[i].Model, request.Observed[i].Metric)] = (i, request.Observed[i].Value);
            }

            observe = e =>
            {
                var exact = last.TryGetValue((e.Input.Model, e.Target), out var x) ? x : ((int At, double Value)?)null;
                var blank = last.TryGetValue((e.Input.Model, ""), out var y) ? y : ((int At, double Value)?)null;
                return (exact, blank) switch
                {
                    ({ } a, { } b) => a.At > b.At ? a.Value : b.Value,
                    ({ } a, null) => a.Value,
                    (null, { } b) => b.Value,
                    _ => null,
                };
            };
        }

        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var response = new V1.ScorePreregistrationsResponse();
        var scores = new List<(string Entry, V1.PreregistrationScore Score)>();
        await work.RunAsync(
            ct =>
            {
                for (var i = 0; i < selected.Count; i++)
                {
                    if (i % 1024 == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }

                    var e = selected[i];
                    if (e.Score is not null)
                    {
                        response.AlreadyScored.Add(e);
                        continue;
                    }

                    if (observe(e) is not { } observed)
                    {
                        response.Unobserved.Add(e.Name);
                        continue;
                    }

                    scores.Add((ResourceName.EntryId(e.Name), ScoreOf(e, observed, source, now, context.Peer, options.Value.ApiKey is { Length: > 0 })));
                }

                return scores.Count;
            },
            context.CancellationToken).ConfigureAwait(false);
        context.CancellationToken.ThrowIfCancellationRequested();

        var inserted = ledgers.Score(ledger, scores);
        foreach (var (id, _) in scores)
        {
            // Another caller may have scored the entry between the read and this write: its score was kept.
            var stored = ledgers.Get(ledger, id)!;
            (inserted.Contains(id) ? response.Scored : response.AlreadyScored).Add(stored);
        }

        var (count, tallied) = ledgers.Tally(ledger, V1.PreregistrationState.Unspecified);
        response.Summary = Summary(count, tallied);
        return response;
    }

    private static void ValidateCreate(V1.CreatePreregistrationsRequest request)
    {
        var violations = new List<FieldViolation>();
        if (request.Inputs.Count == 0 && request.Models.Count == 0)
        {
            violations.Add(new FieldViolation("inputs", "", "give at least one model to forecast (inputs, or models of source_dataset)"));
        }

        if (request.Models.Count > 0 && string.IsNullOrEmpty(request.SourceDataset))
        {
            violations.Add(new FieldViolation("source_dataset", "", "required with models: the dataset holding their scores"));
        }

        if (request.RequestId.Length > MaxRequestIdLength || !request.RequestId.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '~' or '-'))
        {
            violations.Add(new FieldViolation("request_id", request.RequestId.Length > MaxRequestIdLength ? request.RequestId[..MaxRequestIdLength] + "…" : request.RequestId, $"up to {MaxRequestIdLength} characters of A-Z, a-z, 0-9, '.', '_', '~', '-' (a UUID, say)"));
        }

        if (request.HasLevel && !(request.Level > 0 && request.Level < 1))
        {
            violations.Add(new FieldViolation("level", R(request.Level), "must lie strictly between 0 and 1 (e.g. 0.9)"));
        }

        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            if (string.IsNullOrWhiteSpace(input.Model))
            {
                violations.Add(new FieldViolation($"inputs[{i}].model", input.Model, "required: the model's name"));
            }

            var given = (input.Scores.Count > 0 ? 1 : 0) + (input.Coordinates.Count > 0 ? 1 : 0) + (input.HasFlopsE21 ? 1 : 0) + (input.HasParametersB ? 1 : 0);
            if (given != 1)
            {
                violations.Add(new FieldViolation($"inputs[{i}]", input.Model, "set exactly one of scores, coordinates, flops_e21, parameters_b"));
            }
        }

        if (violations.Count > 0)
        {
            throw new ObsValidationException(violations);
        }
    }

    /// <summary>The hash of the rows the law was trained on, in the columns the fit read (see <see cref="FitDataHash"/>).</summary>
    private static (string Hash, int Rows) FittedDataHash(V1.Fit fit, ModelSet models)
    {
        var train = fit.Predictions.Where(p => p.InTrain).Select(p => p.Model).ToHashSet(StringComparer.Ordinal);
        var rows = models.Models.Where(m => train.Contains(m.Name)).ToList();
        var columns = new List<string> { fit.Spec.Target };
        columns.AddRange(fit.Space?.Metrics ?? []);
        columns.AddRange(fit.Spec.Predictors?.Metrics ?? []);
        return (FitDataHash.Compute(rows, columns, JsonFormatter.Default.Format(fit.Spec)), rows.Count);
    }

    private static V1.PreregistrationScore ScoreOf(V1.Preregistration e, double observedRaw, string source, Timestamp now, string peer, bool authenticated)
    {
        var transform = FitMapping.ToTransform(e.Spec);
        var observed = transform.Apply(observedRaw);
        var s = ForecastScore.Of(e.PredictedRaw, e.HasLowerRaw ? e.LowerRaw : null, e.HasUpperRaw ? e.UpperRaw : null, observedRaw);
        var score = new V1.PreregistrationScore
        {
            ObservedRaw = observedRaw,
            Observed = observed,
            ErrorRaw = s.Error,
            AbsoluteErrorRaw = s.AbsoluteError,
            Error = e.Predicted - observed,
            ScoreTime = now,
            Source = source,
            ScoredBy = peer ?? "",
            Authenticated = authenticated,
        };
        if (s.Inside is { } inside)
        {
            score.Inside = inside;
        }

        return score;
    }

    private static V1.LedgerSummary Summary(int entries, IEnumerable<V1.PreregistrationScore> scores)
    {
        var s = LedgerSummary.Of(entries, scores.Select(score => new ForecastScore(score.ObservedRaw, score.ErrorRaw, score.AbsoluteErrorRaw, score.HasInside ? score.Inside : null)));
        var summary = new V1.LedgerSummary { Entries = s.Entries, Scored = s.Scored, WithInterval = s.WithInterval, Inside = s.Inside };
        if (s.Coverage is { } c)
        {
            summary.Coverage = c;
        }

        if (s.MeanAbsoluteError is { } mae)
        {
            summary.MeanAbsoluteError = mae;
        }

        if (s.RootMeanSquareError is { } rmse)
        {
            summary.RootMeanSquareError = rmse;
        }

        return summary;
    }

    private List<V1.Preregistration> ExistingLedger(string ledger)
    {
        var all = ledgers.All(ledger);
        return all.Count == 0 ? throw new ResourceNotFoundException("Ledger", ResourceName.Ledger(ledger)) : all.ToList();
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
