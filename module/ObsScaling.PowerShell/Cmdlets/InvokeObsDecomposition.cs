using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Imputes missing scores and decomposes a dataset's benchmarks into principal components: one capability
/// object per model (PC scores, family), then the space itself (explained variance, loadings, family efficiency).
/// With -CapabilityModel Irt (or any -Irt* parameter) each model also gets its item-response capability C, and the
/// space its benchmarks' difficulties and slopes.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsDecomposition")]
[OutputType(typeof(ObsCapability), typeof(ObsCapabilitySpace))]
public sealed class InvokeObsDecomposition : ObsCmdlet
{
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Benchmarks to decompose; default every metric whose scores lie in [0, 1].</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? Metric { get; set; }

    /// <summary>Components kept (default 5).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Components { get; set; }

    [Parameter]
    public SwitchParameter Standardize { get; set; }

    /// <summary>Families with at least this many models with FLOPs get efficiency fits (default 2).</summary>
    [Parameter]
    public int MinFamilyModels { get; set; }

    /// <summary>Return only the space, not one object per model.</summary>
    [Parameter]
    public SwitchParameter SpaceOnly { get; set; }

    /// <summary>Irt adds the item-response capability (default Pca; any -Irt* parameter implies Irt).</summary>
    [Parameter]
    public ObsCapabilityModel CapabilityModel { get; set; }

    /// <summary>The anchor of the item-response scale (difficulty 0, slope 1); default: the benchmark with the most scores.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string? IrtAnchorBenchmark { get; set; }

    /// <summary>Use the benchmarks' chance levels as the floors of the item-response fit.</summary>
    [Parameter]
    public SwitchParameter IrtChanceFloors { get; set; }

    /// <summary>Ridge λ of the item-response fit (default 1e-6).</summary>
    [Parameter]
    public double IrtRidge { get; set; }

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        if (!_done.Add(id))
        {
            return;
        }

        var request = new V1.DecomposeRequest { Dataset = Names.Dataset(id), Components = Components, Standardize = Standardize, MinFamilyModels = MinFamilyModels };
        if (ObsIrtSettings.Resolve(this, CapabilityModel, IrtAnchorBenchmark, IrtChanceFloors, IrtRidge) is { } irt)
        {
            request.CapabilityModel = V1.CapabilityModel.Irt;
            request.Irt = irt;
        }

        if (Metric is not null)
        {
            request.Metrics.AddRange(Metric);
        }

        TryCall(
            () =>
            {
                var d = Await(Client.DecomposeAsync(request, Call()).ResponseAsync);
                if (!SpaceOnly)
                {
                    var placed = d.IrtModels.ToDictionary(m => m.Model, StringComparer.Ordinal);
                    foreach (var m in d.Models)
                    {
                        var c = placed.GetValueOrDefault(m.Model);
                        WriteObject(new ObsCapability
                        {
                            Dataset = id,
                            Model = m.Model,
                            Family = string.IsNullOrEmpty(m.Family) ? null : m.Family,
                            Scores = m.PcScores.ToArray(),
                            FlopsE21 = m.HasFlopsE21 ? m.FlopsE21 : null,
                            Capability = c?.Capability,
                            CapabilityStandardError = c?.StandardError,
                            BenchmarkCount = c?.BenchmarkCount,
                        });
                    }
                }

                var metrics = d.Metrics.Count;
                WriteObject(new ObsCapabilitySpace
                {
                    Dataset = id,
                    Metrics = d.Metrics.ToArray(),
                    Components = d.Components,
                    ExplainedVariance = d.ExplainedVariance.ToArray(),
                    ExplainedVarianceRatio = d.ExplainedVarianceRatio.ToArray(),
                    Loadings = Enumerable.Range(0, d.Components).Select(c => (IReadOnlyList<double>)d.Loadings.Skip(c * metrics).Take(metrics).ToArray()).ToArray(),
                    ModelCount = d.Models.Count,
                    ImputedCells = d.ImputedCells.Count,
                    ImputationIterations = d.ImputationIterations,
                    ImputationConverged = d.ImputationConverged,
                    Families = d.Families.Select(ToObject).ToArray(),
                    DatasetEtag = d.DatasetEtag,
                    CapabilityModel = d.ItemResponse is null ? ObsCapabilityModel.Pca : ObsCapabilityModel.Irt,
                    Benchmarks = d.ItemResponse?.Benchmarks.Select(b => new ObsBenchmarkItem { Benchmark = b.Name, Difficulty = b.Difficulty, Slope = b.Slope, Floor = b.Floor, ScoreCount = b.ScoreCount, Anchor = b.Anchor }).ToArray() ?? [],
                    IrtFamilies = d.IrtFamilies.Select(ToObject).ToArray(),
                    IrtResidualVariance = d.ItemResponse?.ResidualVariance,
                });
            },
            Dataset);
    }

    private static ObsFamilyEfficiency ToObject(V1.FamilyEfficiencyFit f) => new()
    {
        Family = f.Family,
        Component = f.Component,
        Slope = f.Slope,
        Intercept = f.Intercept,
        RSquared = f.RSquared,
        N = f.N,
    };
}
