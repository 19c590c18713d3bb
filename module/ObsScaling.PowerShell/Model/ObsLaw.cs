using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// A fitted scaling law stored as datasets/{dataset}/fits/{fit}. <see cref="Fit"/> binds to -Fit of
/// Get-ObsForecast and <see cref="Dataset"/> to -Dataset of the dataset cmdlets.
/// </summary>
public sealed class ObsLaw
{
    /// <summary>Resource name, datasets/{dataset}/fits/{fit}.</summary>
    public string Fit { get; set; } = "";

    public string FitId { get; set; } = "";

    public string Dataset { get; set; } = "";

    public string Target { get; set; } = "";

    public string Formula { get; set; } = "";

    public string Link { get; set; } = "";

    public IReadOnlyList<string> PredictorNames { get; set; } = [];

    public double Intercept { get; set; }

    public IReadOnlyList<double> Weights { get; set; } = [];

    public double Floor { get; set; }

    public double TrainMse { get; set; }

    public double TestMse { get; set; }

    public double TestMae { get; set; }

    public int TrainCount { get; set; }

    public int TestCount { get; set; }

    public IReadOnlyList<string> TestModels { get; set; } = [];

    public bool Converged { get; set; }

    public string? ReferenceFamily { get; set; }

    public double? EquivalentSlope { get; set; }

    public double? EquivalentIntercept { get; set; }

    public long DatasetRevision { get; set; }

    public string DatasetEtag { get; set; } = "";

    public IReadOnlyList<ObsPrediction> Predictions { get; set; } = [];

    /// <summary>Share of held-out models inside their interval, when the fit asked for intervals.</summary>
    public double? Coverage { get; set; }

    public IReadOnlyList<string> Dropped { get; set; } = [];

    /// <summary>Watch-ObsFit: "initial", "refit" or "refit_failed".</summary>
    public string? Reason { get; set; }

    /// <summary>Watch-ObsFit: why a refit failed.</summary>
    public string? Error { get; set; }

    public DateTime? UpdateTime { get; set; }

    /// <summary>The full specification the law was fitted with.</summary>
    public V1.FitSpec Spec { get; set; } = new();

    /// <summary>The spec in the cmdlets' terms: pipe it to Invoke-ObsBacktest or Invoke-ObsFit to reuse it.</summary>
    public ObsFitSpec FitSpec => ObsFitSpec.FromProto(Spec);

    public override string ToString() => Fit;

    internal static ObsLaw FromProto(V1.Fit f)
    {
        var parts = f.Name.Split('/');
        var law = f.Law ?? new V1.Law();
        return new ObsLaw
        {
            Fit = f.Name,
            FitId = parts.Length >= 4 ? parts[3] : f.Name,
            Dataset = parts.Length >= 2 ? parts[1] : "",
            Target = f.Spec?.Target ?? "",
            Formula = law.Formula,
            Link = law.Link.ToString(),
            PredictorNames = law.PredictorNames.ToArray(),
            Intercept = law.Intercept,
            Weights = law.Weights.ToArray(),
            Floor = law.Floor,
            TrainMse = f.TrainMse,
            TestMse = f.TestMse,
            TestMae = f.TestMae,
            TrainCount = f.Predictions.Count(p => p.InTrain),
            TestCount = f.Predictions.Count(p => !p.InTrain),
            TestModels = f.Predictions.Where(p => !p.InTrain).Select(p => p.Model).ToArray(),
            Converged = law.Converged,
            ReferenceFamily = f.Equivalent?.ReferenceFamily,
            EquivalentSlope = f.Equivalent?.Slope,
            EquivalentIntercept = f.Equivalent?.Intercept,
            DatasetRevision = f.DatasetRevision,
            DatasetEtag = f.DatasetEtag,
            Predictions = f.Predictions.Select(p => new ObsPrediction
            {
                Model = p.Model,
                Family = string.IsNullOrEmpty(p.Family) ? null : p.Family,
                InTrain = p.InTrain,
                Observed = p.Observed,
                Predicted = p.Predicted,
                Capability = p.Capability,
                EquivalentLog10FlopsE21 = p.HasEquivalentLog10FlopsE21 ? p.EquivalentLog10FlopsE21 : null,
                Lower = p.HasLower ? p.Lower : null,
                Upper = p.HasUpper ? p.Upper : null,
            }).ToArray(),
            Coverage = f.HasCoverage ? f.Coverage : null,
            Dropped = f.Dropped.Select(d => $"{d.Model}: {d.Reason}").ToArray(),
            UpdateTime = f.UpdateTime?.ToDateTime(),
            Spec = f.Spec ?? new V1.FitSpec(),
        };
    }
}

/// <summary>A law's fitted value for one model of its dataset (transformed target scale).</summary>
public sealed class ObsPrediction
{
    public string Model { get; set; } = "";

    public string? Family { get; set; }

    public bool InTrain { get; set; }

    public double Observed { get; set; }

    public double Predicted { get; set; }

    public double Capability { get; set; }

    public double? EquivalentLog10FlopsE21 { get; set; }

    /// <summary>Forecast interval (transformed scale), when the fit asked for intervals.</summary>
    public double? Lower { get; set; }

    public double? Upper { get; set; }
}
