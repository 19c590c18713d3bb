using ObsScaling.Core.Irt;
using ObsScaling.Testing;

namespace ObsScaling.Core.Tests.Irt;

/// <summary>Scores drawn from known C, D, α: the fit must give them back (exactly without noise, within measured bounds with it).</summary>
public class IrtRecoveryTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Noise_free_scores_give_back_the_true_parameters(int seed)
    {
        // 300 models × 20 benchmarks, 60% of cells missing. Measured worst errors 2e-14 (C), 1.3e-15 (D), 1.8e-15 (α).
        var truth = IrtData.Draw(300, 20, 0.6, noise: 0, seed);
        var fit = ItemResponseModel.Fit(truth.Records, truth.Benchmarks, new IrtOptions { AnchorBenchmark = "b00", Ridge = 0 });
        Assert.True(fit.Converged);
        Testing.Golden.Close(truth.Capability, fit.Capabilities.Select(c => c.Capability).ToArray(), 1e-10, "C");
        Testing.Golden.Close(truth.Difficulty, fit.Benchmarks.Select(b => b.Difficulty).ToArray(), 1e-10, "D");
        Testing.Golden.Close(truth.Slope, fit.Benchmarks.Select(b => b.Slope).ToArray(), 1e-10, "α");
        Assert.True(fit.SumOfSquares < 1e-20, $"SSE {fit.SumOfSquares:E2}");
    }

    [Fact]
    public void Noisy_scores_recover_the_truth_of_the_golden_synthetic_matrix()
    {
        // The golden file's matrix: 200 × 20, 58% missing, noise sd 0.02. Measured: corr(C, C0) 0.99844, worst
        // |C − C0|/SE 3.92 (of 200), worst |D − D0| 0.039, worst |α/α0 − 1| 0.037, 190 of 200 within 1.96 SE.
        var g = IrtData.Golden("synthetic", "synthetic_200x20_60pct");
        var scores = g.Matrix("scores");
        var fit = ItemResponseModel.Fit(IrtData.Records(scores), IrtData.Benchmarks(scores.GetLength(1)), new IrtOptions { AnchorBenchmark = "b00" });
        var c0 = g.Vector("true_capability");
        var d0 = g.Vector("true_difficulty");
        var a0 = g.Vector("true_slope");
        var c = fit.Capabilities.Select(e => e.Capability).ToArray();
        Assert.InRange(IrtData.Correlation(c, c0), 0.998, 1);
        Assert.InRange(fit.Capabilities.Select((e, m) => Math.Abs(e.Capability - c0[m]) / e.StandardError).Max(), 0, 4.5);
        Assert.InRange(fit.Benchmarks.Select((b, j) => Math.Abs(b.Difficulty - d0[j])).Max(), 0, 0.06);
        Assert.InRange(fit.Benchmarks.Select((b, j) => Math.Abs((b.Slope / a0[j]) - 1)).Max(), 0, 0.05);
        Assert.InRange(Math.Sqrt(fit.ResidualVariance), 0.015, 0.025);
    }

    [Fact]
    public void The_standard_errors_cover_the_true_capability_about_95_percent_of_the_time()
    {
        // 1,000 models × 20 benchmarks, 60% missing, noise 0.02, seed 7: 938 of 1,000 true capabilities lie within
        // 1.96 SE. A little under 95% because the SE holds the benchmarks' (estimated) parameters fixed and clipping to
        // [0, 1] makes the noise non-Gaussian at the ends; pinned so a change to either is seen.
        var truth = IrtData.Draw(1000, 20, 0.6, 0.02, seed: 7);
        var fit = ItemResponseModel.Fit(truth.Records, truth.Benchmarks, new IrtOptions { AnchorBenchmark = "b00" });
        var covered = fit.Capabilities.Where((e, m) => Math.Abs(e.Capability - truth.Capability[m]) <= 1.96 * e.StandardError).Count();
        Assert.Equal(938, covered);
    }

    [SkippableFact]
    public void Without_the_ridge_another_anchor_gives_the_same_fit_on_another_scale()
    {
        // The objective is invariant under C → a(C − c) when λ = 0, so anchoring on GSM8K instead of MMLU must give
        // C' = α_GSM8K(C − D_GSM8K) exactly. Measured worst difference 1.8e-15.
        Support.PaperData.SkipIfAbsent();
        var (models, benchmarks) = IrtData.PaperBase();
        var mmlu = ItemResponseModel.Fit(models, benchmarks, new IrtOptions { Ridge = 0 });
        var gsm = ItemResponseModel.Fit(models, benchmarks, new IrtOptions { Ridge = 0, AnchorBenchmark = "GSM8K" });
        Assert.Equal("MMLU", mmlu.Anchor);
        Assert.Equal("GSM8K", gsm.Anchor);
        var item = mmlu.Benchmark("GSM8K");
        var mapped = mmlu.Capabilities.Select(e => item.Slope * (e.Capability - item.Difficulty)).ToArray();
        Testing.Golden.Close(mapped, gsm.Capabilities.Select(e => e.Capability).ToArray(), 1e-9, "C on the GSM8K scale");
        Testing.Golden.RelativeClose(mmlu.SumOfSquares, gsm.SumOfSquares, 1e-12, "SSE");
    }
}
