using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Compares techniques (e.g. greedy, chain-of-thought, CoT + self-consistency) on one capability axis: one law per
/// technique on the same PCs, compared on reference-family-equivalent compute. Writes one row per grid point and
/// technique (predicted score, gain over the baseline, paired-bootstrap interval of the gain), then one object per
/// crossing of two curves. Writes progress; Ctrl+C cancels.
/// </summary>
[Cmdlet(VerbsData.Compare, "ObsTechnique")]
[OutputType(typeof(ObsTechniquePoint), typeof(ObsTechniqueCrossing))]
public sealed class CompareObsTechnique : ObsCmdlet
{
    private const int ProgressId = 5;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string Baseline { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(MetricCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Technique { get; set; } = [];

    /// <summary>A spec from New-ObsFitSpec: its capability metrics, components, reference family, split and intervals are used; the parameters below override them.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ObsFitSpec? Spec { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? CapabilityMetric { get; set; }

    [Parameter]
    public int Components { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(FamilyCompleter))]
    public string? ReferenceFamily { get; set; }

    [Parameter]
    public ObsSplitKind Split { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(SplitColumnCompleter))]
    public string? SplitColumn { get; set; }

    [Parameter]
    public double SplitThreshold { get; set; }

    [Parameter]
    public int SplitCount { get; set; }

    [Parameter]
    public double SplitFraction { get; set; }

    [Parameter]
    public int Seed { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? TestModel { get; set; }

    [Parameter]
    public double? GridFrom { get; set; }

    [Parameter]
    public double? GridTo { get; set; }

    [Parameter]
    public int GridPoints { get; set; }

    /// <summary>FamilyBootstrap (default), ModelBootstrap, or None for point estimates only (gains need a paired bootstrap, so not Parametric).</summary>
    [Parameter]
    public ObsIntervalMethod Interval { get; set; }

    [Parameter]
    public int Resamples { get; set; }

    [Parameter]
    public double IntervalLevel { get; set; }

    [Parameter]
    public int IntervalSeed { get; set; }

    /// <summary>Spec settings a technique comparison has no use for: it fits its own laws on PCs, one per technique.</summary>
    private static readonly string[] Unused =
    [
        nameof(ObsFitSpec.Target), nameof(ObsFitSpec.Transform), nameof(ObsFitSpec.TransformLow), nameof(ObsFitSpec.TransformHigh),
        nameof(ObsFitSpec.PredictorMetric), nameof(ObsFitSpec.PcaComponents), nameof(ObsFitSpec.Link), nameof(ObsFitSpec.Loss),
        nameof(ObsFitSpec.HuberDelta), nameof(ObsFitSpec.FloorMax), nameof(ObsFitSpec.ExcludeFromTrain),
    ];

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        var spec = Spec?.Clone() ?? new ObsFitSpec();
        spec.Apply(MyInvocation.BoundParameters);
        spec.Interval ??= ObsIntervalMethod.FamilyBootstrap;
        var problems = spec.Resolve().ToList();
        if (spec.Predictor is not null and not ObsPredictorKind.PrincipalComponents)
        {
            problems.Add(new SpecProblem(nameof(ObsFitSpec.Predictor), spec.Predictor, "Compare-ObsTechnique fits every technique on PCs"));
        }

        foreach (var name in Unused)
        {
            if (typeof(ObsFitSpec).GetProperty(name)!.GetValue(spec) is { } value)
            {
                problems.Add(new SpecProblem(name, value, "the -Spec sets it but Compare-ObsTechnique does not use it (it fits one law per -Technique on the PCs of -CapabilityMetric)"));
            }
        }

        foreach (var p in problems)
        {
            WriteError(ObsErrors.Parameter(p));
        }

        if (problems.Count > 0)
        {
            return;
        }

        var request = new V1.CompareTechniquesRequest
        {
            Dataset = Names.Dataset(id),
            Baseline = Baseline,
            Components = spec.Components ?? 0,
            ReferenceFamily = spec.ReferenceFamily ?? "",
            GridPoints = GridPoints,
            NoIntervals = spec.Interval == ObsIntervalMethod.None,
            Split = spec.SplitProto(),
            Intervals = spec.IntervalsProto(),
        };
        request.Techniques.AddRange(Technique);
        request.CapabilityMetrics.AddRange(spec.CapabilityMetric ?? []);
        if (GridFrom is { } from)
        {
            request.GridFrom = from;
        }

        if (GridTo is { } to)
        {
            request.GridTo = to;
        }

        var activity = $"Comparing techniques on {id}";
        TryCall(
            () =>
            {
                using var call = Client.CompareTechniques(request, Call());
                while (Next(call.ResponseStream))
                {
                    var e = call.ResponseStream.Current;
                    if (e.EventCase == V1.CompareTechniquesEvent.EventOneofCase.Progress)
                    {
                        Progress(ProgressId, activity, e.Progress);
                    }
                    else if (e.EventCase == V1.CompareTechniquesEvent.EventOneofCase.Result)
                    {
                        CompleteProgress(ProgressId, activity);
                        var r = e.Result;
                        foreach (var p in r.Points)
                        {
                            WriteObject(new ObsTechniquePoint
                            {
                                Dataset = id,
                                Log10FlopsE21 = p.Log10FlopsE21,
                                Technique = p.Technique,
                                Baseline = r.Baseline,
                                Predicted = p.Predicted,
                                Gain = p.Gain,
                                Lower = p.HasGainLower ? p.GainLower : null,
                                Upper = p.HasGainUpper ? p.GainUpper : null,
                                PredictedLower = p.HasPredictedLower ? p.PredictedLower : null,
                                PredictedUpper = p.HasPredictedUpper ? p.PredictedUpper : null,
                            });
                        }

                        foreach (var c in r.Crossings)
                        {
                            WriteObject(new ObsTechniqueCrossing
                            {
                                Dataset = id,
                                Earlier = c.Earlier,
                                Later = c.Later,
                                Log10FlopsE21 = c.Log10FlopsE21,
                                Value = c.Value,
                                Lower = c.HasLower ? c.Lower : null,
                                Upper = c.HasUpper ? c.Upper : null,
                                CrossingShare = c.HasCrossingShare ? c.CrossingShare : null,
                            });
                        }
                    }
                }
            },
            Dataset);
    }
}
