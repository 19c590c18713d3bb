namespace ObsScaling.PowerShell.Model;

/// <summary>
/// A model's position in the capability space: its principal-component scores and, from a decomposition with
/// -CapabilityModel Irt, its item-response capability C with the standard error.
/// </summary>
public sealed class ObsCapability
{
    public string Dataset { get; set; } = "";

    public string Model { get; set; } = "";

    public string? Family { get; set; }

    public IReadOnlyList<double> Scores { get; set; } = [];

    public double? PC1 => Scores.Count > 0 ? Scores[0] : null;

    public double? PC2 => Scores.Count > 1 ? Scores[1] : null;

    public double? PC3 => Scores.Count > 2 ? Scores[2] : null;

    public double? FlopsE21 { get; set; }

    /// <summary>The item-response capability C; null without -CapabilityModel Irt or when the model has no score on the benchmarks.</summary>
    public double? Capability { get; set; }

    public double? CapabilityStandardError { get; set; }

    /// <summary>How many of the model's scores placed it on the item-response scale.</summary>
    public int? BenchmarkCount { get; set; }

    public override string ToString() => Model;
}
