namespace ObsScaling.PowerShell.Model;

/// <summary>Where two techniques' curves cross on reference-equivalent compute: Later is ahead above it.</summary>
public sealed class ObsTechniqueCrossing
{
    public string Dataset { get; set; } = "";

    /// <summary>Ahead below the crossing.</summary>
    public string Earlier { get; set; } = "";

    /// <summary>Ahead above the crossing.</summary>
    public string Later { get; set; } = "";

    public double Log10FlopsE21 { get; set; }

    public double Flops => Math.Pow(10, Log10FlopsE21 + 21);

    /// <summary>The common predicted score at the crossing.</summary>
    public double Value { get; set; }

    /// <summary>Percentile interval of the crossing (log10 FLOPs, 1e21) over the replicates that cross in the grid.</summary>
    public double? Lower { get; set; }

    public double? Upper { get; set; }

    /// <summary>Share of bootstrap replicates whose curves cross inside the grid.</summary>
    public double? CrossingShare { get; set; }
}
