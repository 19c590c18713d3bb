using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// A forecast of a law's target for one model. PowerShell sees it flat (<see cref="ObsForecastAdapter"/>: the
/// predictor values as Predictor1..k, so Export-Csv writes one number per cell), and such rows cast back
/// (<c>Import-Csv f.csv | ForEach-Object { [ObsScaling.PowerShell.Model.ObsForecast]$_ }</c>).
/// </summary>
public sealed class ObsForecast
{
    public string Fit { get; set; } = "";

    public string Model { get; set; } = "";

    /// <summary>The model's family, as given with the model (null when it had none).</summary>
    public string? Family { get; set; }

    /// <summary>On the law's transformed target scale.</summary>
    public double Predicted { get; set; }

    /// <summary>Back on the metric's own scale.</summary>
    public double PredictedRaw { get; set; }

    /// <summary>Aggregated capability c + w·x.</summary>
    public double Capability { get; set; }

    public double? EquivalentLog10FlopsE21 { get; set; }

    /// <summary>Reference-family-equivalent training compute, in units of 1e21 FLOPs.</summary>
    public double? EquivalentFlopsE21 => EquivalentLog10FlopsE21 is { } x ? Math.Pow(10, x) : null;

    /// <summary>The predictor values the law read (PC-1..k, or ln FLOPs, …); columns Predictor1..k under Export-Csv, "0.12;3.4" as text.</summary>
    public IReadOnlyList<double> Predictors { get; set; } = ObsValues.Empty;

    /// <summary>Resource name when recorded (-Record).</summary>
    public string? Forecast { get; set; }

    public long Sequence { get; set; }

    /// <summary>Forecast interval on the law's transformed target scale, when the fit has intervals.</summary>
    public double? Lower { get; set; }

    public double? Upper { get; set; }

    /// <summary>Forecast interval on the metric's own scale, when the fit has intervals.</summary>
    public double? LowerRaw { get; set; }

    public double? UpperRaw { get; set; }

    public override string ToString() => Model;

    internal static ObsForecast FromProto(string fit, V1.ForecastResult r) => new()
    {
        Fit = fit,
        Model = r.Model,
        Predicted = r.Predicted,
        PredictedRaw = r.PredictedRaw,
        Capability = r.Capability,
        EquivalentLog10FlopsE21 = r.HasEquivalentLog10FlopsE21 ? r.EquivalentLog10FlopsE21 : null,
        Predictors = new ObsValues([.. r.Predictors]),
        Forecast = string.IsNullOrEmpty(r.Forecast) ? null : r.Forecast,
        Sequence = r.Sequence,
        Lower = r.HasLower ? r.Lower : null,
        Upper = r.HasUpper ? r.Upper : null,
        LowerRaw = r.HasLowerRaw ? r.LowerRaw : null,
        UpperRaw = r.HasUpperRaw ? r.UpperRaw : null,
    };
}
