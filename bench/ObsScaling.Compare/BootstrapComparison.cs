using System.Globalization;
using ObsScaling.Core.Laws;

namespace ObsScaling.Compare;

/// <summary>
/// Row 2: 1,000 bootstrap refits of one law (rows resampled with replacement; the resamples are drawn here and
/// handed to Python, so both refit exactly the same 1,000 data sets), one thread on each side.
/// </summary>
internal static class BootstrapComparison
{
    public const int Resamples = 1000;

    public static ComparisonRow Run(Workspace workspace, PaperPipeline pipeline, TextWriter log)
    {
        var x = pipeline.Run().Predictors;
        var y = pipeline.Target;
        var n = y.Length;
        var rng = new Random(20240517);
        var resamples = Enumerable.Range(0, Resamples).Select(_ => Enumerable.Range(0, n).Select(_ => rng.Next(n)).ToArray()).ToArray();

        var (mses, seconds) = Timing.Measure(() => Refit(x, y, resamples), warmup: 1, repetitions: workspace.Quick ? 3 : 7);

        var spec = new Dictionary<string, object>
        {
            ["x"] = RawArrays.Write(workspace.ScratchFile("bootstrap-x.f64"), x),
            ["y"] = y,
            ["resamples"] = RawArrays.Write(workspace.ScratchFile("bootstrap-resamples.i32"), resamples),
            ["repetitions"] = workspace.Quick ? 1 : 3,
            ["warmup"] = 0,
        };
        var python = workspace.Python.Run("bootstrap", spec, workspace.Scratch, TimeSpan.FromMinutes(10));
        var reference = python.Results.GetProperty("train_mse").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        // Every refit on its own: both minimise the same sum of squares from the same p0 (C# adds its extra starts);
        // Python's curve_fit stops at its default tolerances, so a flat valley could leave it short — that resample
        // would show here as a disagreement, not be averaged away.
        var gate = new AgreementGate();
        var differences = mses.Select((m, i) => Math.Abs(m - reference[i]) / Math.Max(m, reference[i])).ToArray();
        var agreeing = differences.Count(d => d <= AgreementGate.DefaultRelativeTolerance);
        gate.Relative("mean train MSE over the 1,000 refits", mses.Average(), reference.Average());
        gate.Condition(string.Create(CultureInfo.InvariantCulture, $"refits whose train MSE agrees to 1e-6 relative: {agreeing}/{Resamples} (largest difference {differences.Max():0.0e+00})"),
            agreeing == Resamples);
        Report.Checks(log, "bootstrap", gate);

        return new ComparisonRow("1,000 bootstrap refits of one law", Timing.Median(seconds), python.Median, gate.AllAgree,
            string.Create(CultureInfo.InvariantCulture, $"{agreeing}/{Resamples} refits agree to 1e-6; both single-threaded"))
        { MinimumRatio = 20 };
    }

    private static double[] Refit(double[,] x, double[] y, int[][] resamples)
    {
        var d = x.GetLength(1);
        var xs = new double[y.Length, d];
        var ys = new double[y.Length];
        var result = new double[resamples.Length];
        for (var s = 0; s < resamples.Length; s++)
        {
            var rows = resamples[s];
            for (var i = 0; i < rows.Length; i++)
            {
                ys[i] = y[rows[i]];
                for (var j = 0; j < d; j++)
                {
                    xs[i, j] = x[rows[i], j];
                }
            }

            result[s] = ScalingLawFitter.Fit(xs, ys).TrainMse;
        }

        return result;
    }
}
