using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Fits a scaling law y = link(c + w·x) on a dataset, writing the service's progress stream as progress records,
/// and returns the stored law. Objects piped in name the dataset by their Dataset property; a piped capability
/// space (Invoke-ObsDecomposition) also supplies the capability metrics. Each dataset is fitted once, after the
/// input ends. Ctrl+C cancels the call.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsFit", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ObsLaw))]
public sealed class InvokeObsFit : FitSpecCmdlet
{
    private static readonly ProgressStream<V1.FitEvent, V1.Fit> FitStream = new(1, e => e.Progress, e => e.Fit);
    private readonly List<string> _datasets = [];
    private readonly Dictionary<string, ObsFitSpec> _specs = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Any object with a Dataset property; a capability space also gives its metrics.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Fit ID (generated when absent).</summary>
    [Parameter]
    [Alias("FitId")]
    public string? Name { get; set; }

    /// <summary>Replace a stored fit with the same name (asks for confirmation with -Confirm).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        if (BuildSpec(InputObject?.BaseObject as ObsFitSpec) is not { } spec)
        {
            return;
        }

        if (spec.CapabilityMetric is null && InputObject?.BaseObject is ObsCapabilitySpace space)
        {
            spec.CapabilityMetric = space.Metrics.Where(m => m != spec.Target).ToArray();
        }

        if (!_datasets.Contains(id))
        {
            _datasets.Add(id);
        }

        _specs[id] = spec;
    }

    protected override void EndProcessing()
    {
        foreach (var id in _datasets)
        {
            var spec = _specs[id];
            var fitName = Name is null ? $"datasets/{id}/fits/<new>" : $"datasets/{id}/fits/{Name}";
            if (!ShouldProcess(fitName, Force ? "Fit the law, replacing a stored fit of that name" : $"Fit a law for {spec.Target}"))
            {
                continue;
            }

            TryCall(() => Fit(id, spec.ToProto()), fitName);
        }
    }

    private void Fit(string dataset, V1.FitSpec spec)
    {
        var activity = $"Fitting {spec.Target} on {dataset}";
        var fit = Read(FitStream, Client.CreateFit(new V1.CreateFitRequest { Parent = Names.Dataset(dataset), FitId = Name ?? "", Spec = spec, Replace = Force }, Call()), activity);
        WriteObject(ObsLaw.FromProto(fit));
    }
}
