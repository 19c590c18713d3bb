namespace ObsScaling.PowerShell.Model;

/// <summary>One technique's predicted score and gain over the baseline at one reference-equivalent compute.</summary>
public sealed class ObsTechniquePoint
{
    public string Dataset { get; set; } = "";

    /// <summary>Reference-family-equivalent training FLOPs.</summary>
    public double Flops => Math.Pow(10, Log10FlopsE21 + 21);

    /// <summary>log10 of the equivalent FLOPs in units of 1e21.</summary>
    public double Log10FlopsE21 { get; set; }

    public string Technique { get; set; } = "";

    public string Baseline { get; set; } = "";

    public double Predicted { get; set; }

    /// <summary>Predicted − the baseline's predicted.</summary>
    public double Gain { get; set; }

    /// <summary>Paired-bootstrap interval of the gain; absent without intervals.</summary>
    public double? Lower { get; set; }

    public double? Upper { get; set; }

    public double? PredictedLower { get; set; }

    public double? PredictedUpper { get; set; }
}
