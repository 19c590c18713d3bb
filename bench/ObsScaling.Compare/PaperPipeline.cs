using ObsScaling.Core.Capability;
using ObsScaling.Core.Import;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;

namespace ObsScaling.Compare;

/// <summary>
/// The pipeline of the table's first row on the 77 default models: impute the seven non-GSM8K benchmarks (k = 1),
/// PCA (5 components), then one sigmoid-with-floor fit of GSM8K-CoT accuracy (post-training file) on PC-1..3 of the
/// models that have it — the post-training setup of docs/method.md §9 without its split.
/// </summary>
internal sealed class PaperPipeline
{
    private PaperPipeline(double[,] scores, IReadOnlyList<string> metrics, int[] fitRows, double[] target)
    {
        Scores = scores;
        Metrics = metrics;
        FitRows = fitRows;
        Target = target;
    }

    /// <summary>77 × 7 raw scores, NaN = missing.</summary>
    public double[,] Scores { get; }

    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Rows of <see cref="Scores"/> with a GSM8K-CoT value.</summary>
    public int[] FitRows { get; }

    public double[] Target { get; }

    public static PaperPipeline Load(Workspace workspace)
    {
        var models = PaperDatasets.LoadBase(workspace.Open);
        var post = PaperDatasets.Read(workspace.Open, PaperDatasets.PostTrainingFile);
        var rows = new List<int>();
        var target = new List<double>();
        for (var i = 0; i < models.Count; i++)
        {
            if (post.TryGet(models[i].Name, out var record) && record.Score(PaperAnalyses.GsmCot) is var y && !double.IsNaN(y))
            {
                rows.Add(i);
                target.Add(y);
            }
        }

        var metrics = PaperMetrics.NonGsmBenchmarks;
        return new PaperPipeline(models.Matrix(metrics), metrics, [.. rows], [.. target]);
    }

    public PipelineOutcome Run(PcaImputationOptions? imputation = null)
    {
        var imputed = PcaImputer.Fit(Scores, imputation);
        var space = CapabilitySpace.Fit(imputed.Imputed, Metrics);
        var x = PredictorRows(space.Scores);
        return new PipelineOutcome(imputed, space, x, ScalingLawFitter.Fit(x, Target));
    }

    public double[,] PredictorRows(double[,] scores)
    {
        var x = new double[FitRows.Length, 3];
        for (var r = 0; r < FitRows.Length; r++)
        {
            for (var j = 0; j < 3; j++)
            {
                x[r, j] = scores[FitRows[r], j];
            }
        }

        return x;
    }
}

internal sealed record PipelineOutcome(PcaImputation Imputation, CapabilitySpace Space, double[,] Predictors, FittedLaw Law);
