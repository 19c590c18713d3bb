using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;

namespace ObsScaling.Compare;

/// <summary>Row 1: impute + PCA + one sigmoid fit on the 77 default models.</summary>
internal static class PipelineComparison
{
    public static IEnumerable<ComparisonRow> Run(Workspace workspace, PaperPipeline pipeline, TextWriter log)
    {
        var repetitions = workspace.Quick ? 21 : 101;
        var (outcome, seconds) = Timing.Measure(() => pipeline.Run(), warmup: 20, repetitions);

        // The same work with the reference's iteration count: no early stop at the fixed point.
        var full = new PcaImputationOptions { Tolerance = 0 };
        var (outcome1000, seconds1000) = Timing.Measure(() => pipeline.Run(full), warmup: 5, repetitions);

        // Where the C# time goes, stage by stage (same inputs, medians).
        var (imputation, imputeSeconds) = Timing.Measure(() => PcaImputer.Fit(pipeline.Scores), 20, repetitions);
        var (space, pcaSeconds) = Timing.Measure(() => CapabilitySpace.Fit(imputation.Imputed, pipeline.Metrics), 20, repetitions);
        var (_, fitSeconds) = Timing.Measure(() => ScalingLawFitter.Fit(pipeline.PredictorRows(space.Scores), pipeline.Target), 20, repetitions);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pipeline stages (C#): impute {Timing.Median(imputeSeconds) * 1e3:0.000} ms, PCA {Timing.Median(pcaSeconds) * 1e3:0.000} ms, fit {Timing.Median(fitSeconds) * 1e3:0.000} ms"));

        var spec = new Dictionary<string, object>
        {
            ["scores"] = RawArrays.Write(workspace.ScratchFile("pipeline-scores.f64"), pipeline.Scores),
            ["fit_rows"] = pipeline.FitRows,
            ["target"] = pipeline.Target,
            ["repetitions"] = workspace.Quick ? 3 : 9,
            ["warmup"] = 1,
        };
        var python = workspace.Python.Run("pipeline", spec, workspace.Scratch, TimeSpan.FromMinutes(5));

        var gate = new AgreementGate();
        var results = python.Results;
        gate.Relative("train MSE of the law", outcome.Law.TrainMse, results.GetProperty("train_mse").GetDouble());
        gate.Relative("train MSE, C# run to 1000 imputation iterations", outcome1000.Law.TrainMse, results.GetProperty("train_mse").GetDouble());
        var ratio = results.GetProperty("explained_variance_ratio").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var c = 0; c < ratio.Length; c++)
        {
            gate.Relative($"explained variance ratio PC-{c + 1}", outcome.Space.ExplainedVarianceRatio[c], ratio[c]);
        }

        var imputed = results.GetProperty("imputed").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var p = pipeline.Scores.GetLength(1);
        var worst = 0.0;
        for (var i = 0; i < imputed.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(outcome.Imputation.Imputed[i / p, i % p] - imputed[i]));
        }

        gate.Absolute("max |imputed C# − imputed Python| over all cells", worst, 0, 1e-9);
        Report.Checks(log, "pipeline", gate);

        var note = $"C# imputation stops at its fixed point after {outcome.Imputation.Iterations} iterations; Python runs the reference's {results.GetProperty("imputation_iterations").GetInt32()}";
        yield return new ComparisonRow("pipeline: impute + PCA + sigmoid fit (77 models)", Timing.Median(seconds), python.Median, gate.AllAgree, note) { MinimumRatio = 50 };
        yield return new ComparisonRow("  same, C# also at 1000 imputation iterations", Timing.Median(seconds1000), python.Median, gate.AllAgree,
            "equal work per iteration count; shows what the early stop is worth");
    }
}
