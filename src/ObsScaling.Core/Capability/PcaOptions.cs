namespace ObsScaling.Core.Capability;

/// <summary>Settings of the capability-space PCA (docs/method.md §4).</summary>
public sealed record PcaOptions
{
    /// <summary>Number of components kept (reference 5).</summary>
    public int Components { get; init; } = 5;

    /// <summary>Scale columns to unit variance before PCA (reference: false).</summary>
    public bool Standardize { get; init; }
}
