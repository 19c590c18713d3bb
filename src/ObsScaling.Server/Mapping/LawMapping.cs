using ObsScaling.Core.Domain;
using ObsScaling.Core.Forecasting;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Mapping;

/// <summary>
/// A stored fit as the engine's <see cref="StoredLaw"/>, and the contract's two input messages (a forecast's and a
/// preregistration's) as the one engine input. The rules of what a law reads and how live in Core.
/// </summary>
internal static class LawMapping
{
    public static StoredLaw ToStoredLaw(V1.Fit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var law = FitMapping.ToDomain(fit.Law) with { TrainMse = fit.TrainMse };
        var (space, imputation) = fit.Space is null ? (null, null) : FitMapping.ToDomain(fit.Space);
        return new StoredLaw(
            law,
            SpecMapping.ToPredictors(fit.Spec.Predictors, "spec.predictors"),
            FitMapping.ToTransform(fit.Spec),
            space,
            imputation,
            FitMapping.ToDomain(fit.Intervals, law),
            FitMapping.ToDomain(fit.Equivalent),
            fit.InputMetrics.ToDictionary(m => m.Name, m => m.ToDomain(), StringComparer.Ordinal),
            fit.ItemResponse is null ? null : FitMapping.ToDomain(fit.ItemResponse));
    }

    /// <summary>The oneof as the engine's input (the map and list are read in place, not copied).</summary>
    public static LawInput ToDomain(V1.ForecastInput input) => input.ByCase switch
    {
        V1.ForecastInput.ByOneofCase.Scores => new LawInput(input.Model, input.Family) { Scores = input.Scores.Values },
        V1.ForecastInput.ByOneofCase.Coordinates => new LawInput(input.Model, input.Family) { Coordinates = input.Coordinates.Values },
        V1.ForecastInput.ByOneofCase.FlopsE21 => new LawInput(input.Model, input.Family) { FlopsE21 = input.FlopsE21 },
        V1.ForecastInput.ByOneofCase.ParametersB => new LawInput(input.Model, input.Family) { ParametersB = input.ParametersB },
        _ => new LawInput(input.Model, input.Family),
    };

    /// <summary>A preregistration names one form, read in this order: scores, coordinates, FLOPs, size.</summary>
    public static LawInput ToDomain(V1.PreregistrationInput input)
    {
        var l = new LawInput(input.Model, input.Family);
        return input.Scores.Count > 0 ? l with { Scores = input.Scores }
            : input.Coordinates.Count > 0 ? l with { Coordinates = input.Coordinates }
            : input.HasFlopsE21 ? l with { FlopsE21 = input.FlopsE21 }
            : l with { ParametersB = input.ParametersB };
    }

    /// <summary>The input as a ledger entry keeps it.</summary>
    public static V1.PreregistrationInput ToPreregistrationInput(LawInput input)
    {
        var p = new V1.PreregistrationInput { Model = input.Model, Family = input.Family ?? "" };
        foreach (var (metric, score) in input.Scores ?? new Dictionary<string, double>())
        {
            p.Scores[metric] = score;
        }

        if (input.Coordinates is { } coordinates)
        {
            p.Coordinates.AddRange(coordinates);
        }

        if (input.FlopsE21 is { } flops)
        {
            p.FlopsE21 = flops;
        }

        if (input.ParametersB is { } size)
        {
            p.ParametersB = size;
        }

        return p;
    }

    public static V1.ForecastResult ToProto(LawForecast f, string model, long sequence)
    {
        var result = new V1.ForecastResult
        {
            Model = model,
            Predicted = f.Predicted,
            PredictedRaw = f.PredictedRaw,
            Capability = f.Capability,
            Sequence = sequence,
        };
        result.Predictors.AddRange(f.Predictors);
        if (f is { Lower: { } lower, Upper: { } upper, LowerRaw: { } lowerRaw, UpperRaw: { } upperRaw })
        {
            (result.Lower, result.Upper, result.LowerRaw, result.UpperRaw) = (lower, upper, lowerRaw, upperRaw);
        }

        if (f.EquivalentLog10FlopsE21 is { } e)
        {
            result.EquivalentLog10FlopsE21 = e;
        }

        return result;
    }
}
