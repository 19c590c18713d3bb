namespace ObsScaling.Core.Capability;

/// <summary>Settings of the capability-space PCA (docs/method.md §4).</summary>
public sealed record PcaOptions
{
    /// <summary>The reference keeps five components, or as many as there are metrics when fewer.</summary>
    public const int ReferenceComponents = 5;

    /// <summary>Number of components kept (reference 5).</summary>
    public int Components { get; init; } = ReferenceComponents;

    /// <summary>
    /// The default number of components for a space of <paramref name="metrics"/> benchmarks: the reference's five,
    /// never more than there are benchmarks. Every caller that leaves the count unset gets it from here.
    /// </summary>
    public static int DefaultComponents(int metrics) => Math.Min(ReferenceComponents, metrics);

    /// <summary>Scale columns to unit variance before PCA (reference: false).</summary>
    public bool Standardize { get; init; }
}
