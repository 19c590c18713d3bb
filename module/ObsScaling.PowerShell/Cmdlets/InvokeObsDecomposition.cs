using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Imputes missing scores and decomposes a dataset's benchmarks into principal components: one capability
/// object per model (PC scores, family), then the space itself (explained variance, loadings, family efficiency).
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

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        if (!_done.Add(id))
        {
            return;
        }

        var request = new V1.DecomposeRequest { Dataset = Names.Dataset(id), Components = Components, Standardize = Standardize, MinFamilyModels = MinFamilyModels };
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
                    foreach (var m in d.Models)
                    {
                        WriteObject(new ObsCapability
                        {
                            Dataset = id,
                            Model = m.Model,
                            Family = string.IsNullOrEmpty(m.Family) ? null : m.Family,
                            Scores = m.PcScores.ToArray(),
                            FlopsE21 = m.HasFlopsE21 ? m.FlopsE21 : null,
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
                    Families = d.Families.Select(f => new ObsFamilyEfficiency
                    {
                        Family = f.Family,
                        Component = f.Component,
                        Slope = f.Slope,
                        Intercept = f.Intercept,
                        RSquared = f.RSquared,
                        N = f.N,
                    }).ToArray(),
                    DatasetEtag = d.DatasetEtag,
                });
            },
            Dataset);
    }
}
