namespace ObsScaling.PowerShell.Model;

/// <summary>A forecast as PowerShell sees it: its fields, then Predictor1..k (the law's predictor values).</summary>
public sealed class ObsForecastAdapter() : NumberedColumnsAdapter(typeof(ObsForecast), nameof(ObsForecast.Predictors), "Predictor");
