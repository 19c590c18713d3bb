namespace ObsScaling.Core.Forecasting;

/// <summary>
/// A model as a stored law's input: whichever of its scores, PC coordinates, training compute or size the law reads.
/// Forecasts and preregistrations are made from the same input, so a forecast and a preregistration of one model
/// agree by construction.
/// </summary>
public sealed record LawInput(string Model, string? Family = null)
{
    /// <summary>Benchmark scores (a PC law imputes the missing ones with its frozen model).</summary>
    public IReadOnlyDictionary<string, double>? Scores { get; init; }

    /// <summary>PC coordinates given directly (PC laws).</summary>
    public IReadOnlyList<double>? Coordinates { get; init; }

    /// <summary>Training compute in units of 1e21 FLOPs (ln-FLOPs laws).</summary>
    public double? FlopsE21 { get; init; }

    /// <summary>Parameter count in billions (ln-params laws).</summary>
    public double? ParametersB { get; init; }
}
