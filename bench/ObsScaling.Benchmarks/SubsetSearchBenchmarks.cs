using BenchmarkDotNet.Attributes;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Import;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Selection;

namespace ObsScaling.Benchmarks;

/// <summary>The guide notebook's search: 431,909 family combinations, Llama-2 included, budgets 4..36 (target ≤ 2 s).</summary>
[MemoryDiagnoser]
public class SubsetSearchBenchmarks
{
    private double[,] _scores = null!;
    private string[] _families = null!;
    private string[] _names = null!;
    private readonly SubsetSearchOptions _options = new() { Budgets = Enumerable.Range(1, 9).Select(i => 4 * i).ToArray(), IncludeFamily = "Llama-2" };

    [GlobalSetup]
    public void Setup()
    {
        var pool = PaperWorkload.DefaultBase();
        var metrics = PaperMetrics.BaseBenchmarks;
        _scores = CapabilitySpace.Fit(PcaImputer.Fit(pool.Matrix(metrics)).Imputed, metrics).Scores;
        _families = pool.Models.Select(m => m.Family!).ToArray();
        _names = pool.Models.Select(m => m.Name).ToArray();
    }

    [Benchmark(Description = "subset search: 431,909 combinations")]
    public SubsetSearchResult GuideSearch() => SubsetSelector.Search(_scores, _families, _names, _options);
}
