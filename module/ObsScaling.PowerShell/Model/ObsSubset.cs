namespace ObsScaling.PowerShell.Model;

/// <summary>The most informative whole-family subset found for one model budget.</summary>
public sealed class ObsSubset
{
    public string Dataset { get; set; } = "";

    public int Budget { get; set; }

    /// <summary>−trace(G_all · G_S⁻¹); absent when no subset fits the budget.</summary>
    public double? Objective { get; set; }

    public IReadOnlyList<string> Families { get; set; } = [];

    public IReadOnlyList<string> Models { get; set; } = [];

    public int ModelCount => Models.Count;

    public int PoolSize { get; set; }

    public long Combinations { get; set; }

    /// <summary>Exhaustive or GreedyExchange: the search that ran.</summary>
    public string Method { get; set; } = "";

    /// <summary>Subsets whose objective was evaluated.</summary>
    public long Evaluations { get; set; }

    /// <summary>Σ parameters (billions) of the chosen models that report one: the per-token cost of evaluating them.</summary>
    public double ParametersB { get; set; }

    public double PoolParametersB { get; set; }

    /// <summary>Σ training FLOPs (1e21) of the chosen models that report them.</summary>
    public double FlopsE21 { get; set; }

    public double PoolFlopsE21 { get; set; }

    /// <summary>Share of the pool's models left unevaluated.</summary>
    public double ModelsSaved => PoolSize == 0 ? 0 : 1 - ((double)ModelCount / PoolSize);

    /// <summary>Share of the pool's parameter sum left unevaluated.</summary>
    public double ParametersSaved => PoolParametersB > 0 ? 1 - (ParametersB / PoolParametersB) : 0;
}
