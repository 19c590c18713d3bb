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
}
