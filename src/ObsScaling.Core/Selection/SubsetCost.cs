using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Selection;

/// <summary>
/// What evaluating a subset costs next to evaluating the whole pool. Model counts are exact; parameters (the
/// per-token cost of running a benchmark) and training FLOPs are proxies summed over the models that report them,
/// so a sum is comparable with its pool sum only together with the known-model counts.
/// </summary>
/// <param name="Models">Models in the subset.</param>
/// <param name="PoolModels">Models in the pool.</param>
/// <param name="ParametersB">Σ parameters (billions) over the subset's models that report them.</param>
/// <param name="PoolParametersB">The same sum over the pool.</param>
/// <param name="FlopsE21">Σ training FLOPs (1e21) over the subset's models that report them.</param>
/// <param name="PoolFlopsE21">The same sum over the pool.</param>
/// <param name="UnknownParameters">Subset models without a parameter count (pool: <paramref name="PoolUnknownParameters"/>).</param>
/// <param name="UnknownFlops">Subset models without FLOPs (pool: <paramref name="PoolUnknownFlops"/>).</param>
public sealed record SubsetCost(
    int Models,
    int PoolModels,
    double ParametersB,
    double PoolParametersB,
    double FlopsE21,
    double PoolFlopsE21,
    int UnknownParameters,
    int PoolUnknownParameters,
    int UnknownFlops,
    int PoolUnknownFlops)
{
    /// <summary>Share of the pool's models left unevaluated.</summary>
    public double ModelsSavedFraction => PoolModels == 0 ? 0 : 1 - ((double)Models / PoolModels);

    /// <summary>Share of the pool's parameter sum left unevaluated (over models that report parameters).</summary>
    public double ParametersSavedFraction => PoolParametersB > 0 ? 1 - (ParametersB / PoolParametersB) : 0;

    /// <summary>Cost of evaluating <paramref name="subset"/> (model names) out of <paramref name="pool"/>.</summary>
    public static SubsetCost Of(ModelSet pool, IEnumerable<string> subset)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(subset);
        var chosen = subset.ToHashSet(StringComparer.Ordinal);
        int models = 0, unknownParameters = 0, poolUnknownParameters = 0, unknownFlops = 0, poolUnknownFlops = 0;
        double parameters = 0, poolParameters = 0, flops = 0, poolFlops = 0;
        foreach (var m in pool.Models)
        {
            var inSubset = chosen.Contains(m.Name);
            models += inSubset ? 1 : 0;
            if (m.ParametersB is { } p && double.IsFinite(p))
            {
                poolParameters += p;
                parameters += inSubset ? p : 0;
            }
            else
            {
                poolUnknownParameters++;
                unknownParameters += inSubset ? 1 : 0;
            }

            if (m.FlopsE21 is { } f && double.IsFinite(f))
            {
                poolFlops += f;
                flops += inSubset ? f : 0;
            }
            else
            {
                poolUnknownFlops++;
                unknownFlops += inSubset ? 1 : 0;
            }
        }

        return new SubsetCost(models, pool.Count, parameters, poolParameters, flops, poolFlops, unknownParameters, poolUnknownParameters, unknownFlops, poolUnknownFlops);
    }
}
