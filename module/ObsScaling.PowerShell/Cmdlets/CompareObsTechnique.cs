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
public sealed class CompareObsTechnique : CapabilitySpecCmdlet
{
    private static readonly ProgressStream<V1.CompareTechniquesEvent, V1.TechniqueComparison> TechniqueStream = new(5, e => e.Progress, e => e.Result);

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

    [Parameter]
    public double? GridFrom { get; set; }

    [Parameter]
    public double? GridTo { get; set; }

    [Parameter]
    public int GridPoints { get; set; }

    /// <summary>Spec settings a technique comparison has no use for: it fits its own laws on PCs, one per technique.</summary>
    private static readonly string[] Unused =
    [
        nameof(ObsFitSpec.Target), nameof(ObsFitSpec.Transform), nameof(ObsFitSpec.TransformLow), nameof(ObsFitSpec.TransformHigh),
        nameof(ObsFitSpec.PredictorMetric), nameof(ObsFitSpec.PcaComponents), nameof(ObsFitSpec.Link), nameof(ObsFitSpec.Loss),
        nameof(ObsFitSpec.HuberDelta), nameof(ObsFitSpec.FloorMax), nameof(ObsFitSpec.ExcludeFromTrain),
    ];

    /// <summary>What a piped -Spec may set that a technique comparison cannot use: it fits one law per technique on PCs.</summary>
    private static IEnumerable<SpecProblem> TechniqueProblems(ObsFitSpec spec)
    {
        if (spec.Predictor is not null and not ObsPredictorKind.PrincipalComponents)
        {
            yield return new SpecProblem(nameof(ObsFitSpec.Predictor), spec.Predictor, "Compare-ObsTechnique fits every technique on PCs");
        }

        foreach (var name in Unused)
        {
            if (typeof(ObsFitSpec).GetProperty(name)!.GetValue(spec) is { } value)
            {
                yield return new SpecProblem(name, value, "the -Spec sets it but Compare-ObsTechnique does not use it (it fits one law per -Technique on the PCs of -CapabilityMetric)");
            }
        }
    }

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        // Gains need a paired bootstrap, so the family bootstrap is the default here rather than no intervals.
        if (BuildSpec(requireTarget: false, defaults: s => s.Interval ??= ObsIntervalMethod.FamilyBootstrap, checks: TechniqueProblems) is not { } spec)
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
                var r = Read(TechniqueStream, Client.CompareTechniques(request, Call()), activity);
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
            },
            Dataset);
    }
}
