namespace ObsScaling.Plots;

/// <summary>What the decomposition figures draw: the PCA of a dataset's benchmarks.</summary>
/// <param name="Loadings">Components × metrics.</param>
public sealed record DecompositionData(
    string Dataset,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<double> ExplainedVarianceRatio,
    double[,] Loadings);

/// <summary>A model's score on one component against its training compute.</summary>
public sealed record FamilyPoint(string Model, double Log10FlopsE21, double Score);

/// <summary>One family's points and its fitted line score = slope·log10(FLOPs) + intercept.</summary>
public sealed record FamilyLine(string Family, IReadOnlyList<FamilyPoint> Points, double Slope, double Intercept, double RSquared);

/// <summary>Per-family compute efficiency on one component.</summary>
/// <param name="Component">1-based.</param>
/// <param name="ScoreName">What the vertical axis measures; null for the principal component's score.</param>
public sealed record FamilyEfficiencyData(string Dataset, int Component, IReadOnlyList<FamilyLine> Families, string? ScoreName = null);
