using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Searches whole-family subsets of a dataset that best cover its capability space (V-optimal design), one
/// result per model budget: which models to evaluate when only a few can be. Writes the search's progress;
/// Ctrl+C cancels it.
/// </summary>
[Cmdlet(VerbsCommon.Select, "ObsSubset")]
[OutputType(typeof(ObsSubset))]
public sealed class SelectObsSubset : ObsCmdlet
{
    private static readonly ProgressStream<V1.SelectSubsetEvent, V1.SubsetSelection> SubsetStream = new(2, e => e.Progress, e => e.Result);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Model-count budgets (default 4, 8, …, 36).</summary>
    [Parameter(Position = 1)]
    public int[]? Budget { get; set; }

    [Parameter]
    public int MaxFamilies { get; set; }

    [Parameter]
    public string? IncludeFamily { get; set; }

    [Parameter]
    public string[]? Family { get; set; }

    [Parameter]
    public int Components { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? Metric { get; set; }

    [Parameter]
    public SwitchParameter ExcludeModelsWithMissing { get; set; }

    /// <summary>Auto (default: exhaustive up to -AutoThreshold combinations), Exhaustive or GreedyExchange.</summary>
    [Parameter]
    [ValidateSet("Auto", "Exhaustive", "GreedyExchange")]
    public string Method { get; set; } = "Auto";

    [Parameter]
    [ValidateRange(0, double.MaxValue)]
    public double AutoThreshold { get; set; }

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        var request = new V1.SelectSubsetRequest
        {
            Dataset = Names.Dataset(id),
            MaxFamilies = MaxFamilies,
            IncludeFamily = IncludeFamily ?? "",
            Components = Components,
            ExcludeModelsWithMissing = ExcludeModelsWithMissing,
            Method = Method.ToUpperInvariant() switch
            {
                "EXHAUSTIVE" => V1.SubsetSearchMethod.Exhaustive,
                "GREEDYEXCHANGE" => V1.SubsetSearchMethod.GreedyExchange,
                _ => V1.SubsetSearchMethod.Auto,
            },
            AutoThreshold = AutoThreshold,
        };
        request.Budgets.AddRange(Budget ?? []);
        request.Families.AddRange(Family ?? []);
        request.Metrics.AddRange(Metric ?? []);
        var activity = $"Selecting subsets of {id}";
        TryCall(
            () =>
            {
                var result = Read(SubsetStream, Client.SelectSubset(request, Call()), activity);
                foreach (var c in result.Choices)
                {
                    WriteObject(new ObsSubset
                    {
                        Dataset = id,
                        Budget = c.Budget,
                        Objective = c.HasObjective ? c.Objective : null,
                        Families = c.Families.ToArray(),
                        Models = c.Models.ToArray(),
                        PoolSize = result.PoolSize,
                        Combinations = result.Combinations,
                        Method = result.Method == V1.SubsetSearchMethod.Exhaustive ? "Exhaustive" : "GreedyExchange",
                        Evaluations = result.Evaluations,
                        ParametersB = c.Cost?.ParametersB ?? 0,
                        PoolParametersB = c.Cost?.PoolParametersB ?? 0,
                        FlopsE21 = c.Cost?.FlopsE21 ?? 0,
                        PoolFlopsE21 = c.Cost?.PoolFlopsE21 ?? 0,
                    });
                }
            },
            Dataset);
    }
}
