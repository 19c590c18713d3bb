using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
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

    [Parameter]
    [ArgumentCompleter(typeof(MetricCompleter))]
    public string[]? CapabilityMetric { get; set; }

    [Parameter]
    public int Components { get; set; }

    [Parameter]
    public string? ReferenceFamily { get; set; }

    [Parameter]
    public V1.SplitKind Split { get; set; }

    [Parameter]
    public string? SplitColumn { get; set; }

    [Parameter]
    public double SplitThreshold { get; set; }

    [Parameter]
    public double? GridFrom { get; set; }

    [Parameter]
    public double? GridTo { get; set; }

    [Parameter]
    public int GridPoints { get; set; }

    /// <summary>FamilyBootstrap (default), ModelBootstrap, or None for point estimates only.</summary>
    [Parameter]
    [ValidateSet("FamilyBootstrap", "ModelBootstrap", "None")]
    public string Interval { get; set; } = "FamilyBootstrap";

    [Parameter]
    public int Resamples { get; set; }

    [Parameter]
    public double IntervalLevel { get; set; }

    [Parameter]
    public int IntervalSeed { get; set; }

    protected override void ProcessRecord()
    {
        var id = Names.DatasetId(Dataset);
        var request = new V1.CompareTechniquesRequest
        {
            Dataset = Names.Dataset(id),
            Baseline = Baseline,
            Components = Components,
            ReferenceFamily = ReferenceFamily ?? "",
            GridPoints = GridPoints,
            NoIntervals = Interval == "None",
        };
        request.Techniques.AddRange(Technique);
        request.CapabilityMetrics.AddRange(CapabilityMetric ?? []);
        if (GridFrom is { } from)
        {
            request.GridFrom = from;
        }

        if (GridTo is { } to)
        {
            request.GridTo = to;
        }

        if (Split != V1.SplitKind.Unspecified)
        {
            request.Split = new V1.Split { Kind = Split, Column = SplitColumn ?? "", Threshold = SplitThreshold };
        }

        if (!request.NoIntervals)
        {
            request.Intervals = new V1.IntervalSettings
            {
                Method = Interval == "ModelBootstrap" ? V1.IntervalMethod.ModelBootstrap : V1.IntervalMethod.FamilyBootstrap,
                Resamples = Resamples,
                Level = IntervalLevel,
                Seed = IntervalSeed,
            };
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
