using ObsScaling.Compare;
using ObsScaling.Core.Laws;

namespace ObsScaling.Compare.Tests;

/// <summary>
/// The speed table is only printed for numbers that agree; these tests run the real Python reference on a small
/// problem and show that the gate passes on its answers and fails as soon as they are off by more than 1e-6.
/// </summary>
public sealed class AgreementGateTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("obs-compare-test-").FullName;

    [SkippableFact]
    public void Python_refits_agree_with_CSharp_and_the_gate_fails_on_numbers_that_differ()
    {
        var python = new PythonReference(Workspace.FindRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("repository root not found"));
        var unavailable = python.Unavailable();
        Skip.If(unavailable is not null, unavailable);

        // A known law y = 0.9·σ(−0.3 + 1.2·x1 − 0.5·x2) + 0.1 with noise, and five resamples of its rows.
        var rng = new Random(7);
        const int N = 40;
        var x = new double[N, 2];
        var y = new double[N];
        for (var i = 0; i < N; i++)
        {
            x[i, 0] = (4 * rng.NextDouble()) - 2;
            x[i, 1] = (2 * rng.NextDouble()) - 1;
            y[i] = Math.Clamp((0.9 / (1 + Math.Exp(0.3 - (1.2 * x[i, 0]) + (0.5 * x[i, 1])))) + 0.1 + (0.01 * ((2 * rng.NextDouble()) - 1)), 0, 1);
        }

        var resamples = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, N).Select(_ => rng.Next(N)).ToArray()).ToArray();
        var spec = new Dictionary<string, object>
        {
            ["x"] = RawArrays.Write(Path.Combine(_scratch, "x.f64"), x),
            ["y"] = y,
            ["resamples"] = RawArrays.Write(Path.Combine(_scratch, "r.i32"), resamples),
            ["repetitions"] = 1,
        };
        var run = python.Run("bootstrap", spec, _scratch, TimeSpan.FromMinutes(2));
        var reference = run.Results.GetProperty("train_mse").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(resamples.Length, reference.Length);
        Assert.True(run.Median > 0);

        var ours = resamples.Select(r => Refit(x, y, r)).ToArray();
        var gate = new AgreementGate();
        for (var s = 0; s < ours.Length; s++)
        {
            gate.Relative($"resample {s}", ours[s], reference[s]);
        }

        Assert.True(gate.AllAgree, string.Join("\n", gate.Checks));

        // The same comparison with one Python number off by 1e-5 relative must fail.
        var perturbed = new AgreementGate();
        for (var s = 0; s < ours.Length; s++)
        {
            perturbed.Relative($"resample {s}", ours[s], s == 2 ? reference[s] * (1 + 1e-5) : reference[s]);
        }

        Assert.False(perturbed.AllAgree);
        Assert.Single(perturbed.Checks, c => !c.Agrees);
    }

    [Fact]
    public void A_non_finite_value_or_an_empty_gate_never_agrees()
    {
        var gate = new AgreementGate();
        Assert.False(gate.AllAgree);
        Assert.True(gate.Relative("same", 1.0, 1.0 + 1e-9).Agrees);
        Assert.False(gate.Relative("nan", double.NaN, double.NaN).Agrees);
        Assert.False(gate.AllAgree);
        Assert.False(gate.Absolute("absolute", 1e-3, 0, 1e-6).Agrees);
        Assert.False(gate.Condition("families", false).Agrees);
    }

    [Fact]
    public void A_row_whose_numbers_disagree_fails_whatever_its_speed()
    {
        var row = new ComparisonRow("t", 0.001, 10, Agrees: false) { MinimumRatio = 2 };
        Assert.False(row.Pass);
        Assert.Contains("disagree", Report.Table([row]), StringComparison.Ordinal);
        Assert.True((row with { Agrees = true }).Pass);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static double Refit(double[,] x, double[] y, int[] rows)
    {
        var xs = new double[rows.Length, x.GetLength(1)];
        var ys = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            ys[i] = y[rows[i]];
            for (var j = 0; j < x.GetLength(1); j++)
            {
                xs[i, j] = x[rows[i], j];
            }
        }

        return ScalingLawFitter.Fit(xs, ys).TrainMse;
    }
}
