using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
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
public sealed class InvokeObsFit : ObsCmdlet
{
    private const int ProgressId = 1;
    private readonly List<string> _datasets = [];
    private readonly Dictionary<string, string[]> _spaceMetrics = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Any object with a Dataset property; a capability space also gives its metrics.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The metric to forecast.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string Target { get; set; } = "";

    /// <summary>Fit ID (generated when absent).</summary>
    [Parameter]
    [Alias("FitId")]
    public string? Name { get; set; }

    [Parameter]
    public V1.TransformKind Transform { get; set; }

    [Parameter]
    public double TransformLow { get; set; }

    [Parameter]
    public double TransformHigh { get; set; }

    [Parameter]
    public V1.PredictorKind Predictor { get; set; }

    /// <summary>Number of PCs used as predictors (default 3).</summary>
    [Parameter]
    public int Components { get; set; }

    /// <summary>Benchmarks used as predictors with -Predictor Metrics.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? PredictorMetric { get; set; }

    /// <summary>Benchmarks imputed and decomposed into PCs (default: every [0, 1] metric but the target).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? CapabilityMetric { get; set; }

    [Parameter]
    public int PcaComponents { get; set; }

    [Parameter]
    public V1.Link Link { get; set; }

    [Parameter]
    public V1.Loss Loss { get; set; }

    [Parameter]
    public double HuberDelta { get; set; }

    [Parameter]
    public double FloorMax { get; set; }

    [Parameter]
    public V1.SplitKind Split { get; set; }

    /// <summary>Split column: "FLOPs (1E21)", "Model Size (B)", a metric, or "@target".</summary>
    [Parameter]
    public string? SplitColumn { get; set; }

    [Parameter]
    public double SplitThreshold { get; set; }

    [Parameter]
    public int SplitCount { get; set; }

    [Parameter]
    public double SplitFraction { get; set; }

    [Parameter]
    public int Seed { get; set; }

    /// <summary>Models held out (with -Split Explicit).</summary>
    [Parameter]
    public string[]? TestModel { get; set; }

    [Parameter]
    public string[]? ExcludeFromTrain { get; set; }

    [Parameter]
    public string? ReferenceFamily { get; set; }

    /// <summary>Forecast intervals: Parametric, ModelBootstrap or FamilyBootstrap (none by default).</summary>
    [Parameter]
    public V1.IntervalMethod Interval { get; set; }

    /// <summary>Nominal coverage of the intervals (default 0.9).</summary>
    [Parameter]
    public double IntervalLevel { get; set; }

    [Parameter]
    public int IntervalSeed { get; set; }

    /// <summary>Replace a stored fit with the same name (asks for confirmation with -Confirm).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        if (!_datasets.Contains(id))
        {
            _datasets.Add(id);
        }

        if (InputObject?.BaseObject is ObsCapabilitySpace space)
        {
            _spaceMetrics[id] = space.Metrics.ToArray();
        }
    }

    protected override void EndProcessing()
    {
        foreach (var id in _datasets)
        {
            var fitName = Name is null ? $"datasets/{id}/fits/<new>" : $"datasets/{id}/fits/{Name}";
            if (!ShouldProcess(fitName, Force ? "Fit the law, replacing a stored fit of that name" : $"Fit a law for {Target}"))
            {
                continue;
            }

            var spec = Spec(id);
            TryCall(() => Fit(id, spec), fitName);
        }
    }

    internal V1.FitSpec Spec(string dataset)
    {
        var spec = new V1.FitSpec
        {
            Target = Target,
            Predictors = new V1.Predictors { Kind = Predictor, Components = Components },
            PcaComponents = PcaComponents,
            Link = Link,
            Loss = Loss,
            HuberDelta = HuberDelta,
            FloorMax = FloorMax,
            ReferenceFamily = ReferenceFamily ?? "",
        };
        if (Interval != V1.IntervalMethod.Unspecified)
        {
            spec.Intervals = new V1.IntervalSettings { Method = Interval, Level = IntervalLevel, Seed = IntervalSeed };
        }
        if (Transform != V1.TransformKind.Unspecified || TransformLow != 0 || TransformHigh != 0)
        {
            spec.Transform = new V1.Transform { Kind = Transform, Low = TransformLow, High = TransformHigh };
        }

        if (PredictorMetric is not null)
        {
            spec.Predictors.Metrics.AddRange(PredictorMetric);
        }

        if (CapabilityMetric is not null)
        {
            spec.CapabilityMetrics.AddRange(CapabilityMetric);
        }
        else if (_spaceMetrics.TryGetValue(dataset, out var fromSpace))
        {
            spec.CapabilityMetrics.AddRange(fromSpace.Where(m => m != Target));
        }

        if (Split != V1.SplitKind.Unspecified || SplitColumn is not null)
        {
            spec.Split = new V1.Split
            {
                Kind = Split,
                Column = SplitColumn ?? "",
                Threshold = SplitThreshold,
                Count = SplitCount,
                Fraction = SplitFraction,
                Seed = Seed,
            };
            if (TestModel is not null)
            {
                spec.Split.TestModels.AddRange(TestModel);
            }
        }

        if (ExcludeFromTrain is not null)
        {
            spec.ExcludeFromTrain.AddRange(ExcludeFromTrain);
        }

        return spec;
    }

    private void Fit(string dataset, V1.FitSpec spec)
    {
        var activity = $"Fitting {Target} on {dataset}";
        using var call = Client.CreateFit(new V1.CreateFitRequest { Parent = Names.Dataset(dataset), FitId = Name ?? "", Spec = spec, Replace = Force }, Call());
        V1.Fit? fit = null;
        while (Next(call.ResponseStream))
        {
            var e = call.ResponseStream.Current;
            if (e.EventCase == V1.FitEvent.EventOneofCase.Progress)
            {
                Progress(ProgressId, activity, e.Progress);
            }
            else if (e.EventCase == V1.FitEvent.EventOneofCase.Fit)
            {
                fit = e.Fit;
            }
        }

        CompleteProgress(ProgressId, activity);
        if (fit is not null)
        {
            WriteObject(ObsLaw.FromProto(fit));
        }
    }
}
