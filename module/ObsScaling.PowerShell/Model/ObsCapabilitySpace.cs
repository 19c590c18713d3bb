namespace ObsScaling.PowerShell.Model;

/// <summary>The capability space of a dataset: explained variance and loadings of each component, family efficiency fits.</summary>
public sealed class ObsCapabilitySpace
{
    public string Dataset { get; set; } = "";

    public IReadOnlyList<string> Metrics { get; set; } = [];

    public int Components { get; set; }

    public IReadOnlyList<double> ExplainedVariance { get; set; } = [];

    public IReadOnlyList<double> ExplainedVarianceRatio { get; set; } = [];

    /// <summary>Loadings[component][metric].</summary>
    public IReadOnlyList<IReadOnlyList<double>> Loadings { get; set; } = [];

    public int ModelCount { get; set; }

    public int ImputedCells { get; set; }

    public int ImputationIterations { get; set; }

    public bool ImputationConverged { get; set; }

    public IReadOnlyList<ObsFamilyEfficiency> Families { get; set; } = [];

    /// <summary>Pca, or Irt when the decomposition also fitted the item-response model.</summary>
    public ObsCapabilityModel CapabilityModel { get; set; }

    /// <summary>-CapabilityModel Irt: each benchmark's difficulty, slope and floor; empty otherwise.</summary>
    public IReadOnlyList<ObsBenchmarkItem> Benchmarks { get; set; } = [];

    /// <summary>-CapabilityModel Irt: each family's capability C against log10 FLOPs (Component 1).</summary>
    public IReadOnlyList<ObsFamilyEfficiency> IrtFamilies { get; set; } = [];

    /// <summary>-CapabilityModel Irt: the residual variance of the item-response fit.</summary>
    public double? IrtResidualVariance { get; set; }

    public string DatasetEtag { get; set; } = "";

    /// <summary>The loading of a metric on a 1-based component.</summary>
    public double Loading(int component, string metric)
    {
        var j = Metrics.ToList().IndexOf(metric);
        return j < 0 ? double.NaN : Loadings[component - 1][j];
    }
}

/// <summary>A family's compute efficiency on one component: PC = slope·log10(FLOPs) + intercept.</summary>
public sealed class ObsFamilyEfficiency
{
    public string Family { get; set; } = "";

    public int Component { get; set; }

    public double Slope { get; set; }

    public double Intercept { get; set; }

    public double RSquared { get; set; }

    public int N { get; set; }
}
