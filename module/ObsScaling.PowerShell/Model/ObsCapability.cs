namespace ObsScaling.PowerShell.Model;

/// <summary>A model's position in the capability space: its principal-component scores.</summary>
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

    public override string ToString() => Model;
}
