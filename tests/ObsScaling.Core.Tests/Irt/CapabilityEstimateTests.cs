using ObsScaling.Core.Irt;
using ObsScaling.Core.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.Core.Tests.Irt;

/// <summary>A model's capability from a subset of benchmarks, the benchmarks' parameters frozen (what a forecast uses).</summary>
public class CapabilityEstimateTests
{
    [SkippableFact]
    public void Every_fitted_model_estimated_from_all_its_scores_gets_its_fitted_capability()
    {
        // The joint optimum is also each model's own optimum; measured worst difference 6.7e-16 over the 148 models.
        PaperData.SkipIfAbsent();
        var (models, benchmarks) = IrtData.PaperBase();
        var fit = ItemResponseModel.Fit(models, benchmarks);
        for (var m = 0; m < models.Length; m++)
        {
            var estimate = fit.Estimate(models[m].Name, models[m].Scores);
            var fitted = fit.Capabilities[m];
            Testing.Golden.Close(fitted.Capability, estimate.Capability, 1e-10, models[m].Name);
            Testing.Golden.RelativeClose(fitted.StandardError, estimate.StandardError, 1e-9, models[m].Name + " SE");
            Assert.Equal(fitted.BenchmarkCount, estimate.BenchmarkCount);
        }
    }

    [SkippableFact]
    public void A_held_out_model_lands_where_the_full_fit_puts_it()
    {
        // Refit without each of 10 models, then place it with the frozen benchmarks. Measured: from all its scores
        // within 0.09 of its full-fit SE, from MMLU, ARC-C, HellaSwag and GSM8K alone within 0.82 of the subset's SE.
        PaperData.SkipIfAbsent();
        var (models, benchmarks) = IrtData.PaperBase();
        var full = ItemResponseModel.Fit(models, benchmarks);
        for (var m = 0; m < models.Length; m += 15)
        {
            var held = models[m];
            var rest = ItemResponseModel.Fit(models.Where(x => x.Name != held.Name).ToArray(), benchmarks);
            var all = rest.Estimate(held.Name, held.Scores);
            var four = rest.Estimate(held.Name, held.Scores.Where(p => p.Key is "MMLU" or "ARC-C" or "HellaSwag" or "GSM8K").ToDictionary());
            var truth = full.Capabilities[m];
            Assert.Equal(4, four.BenchmarkCount);
            Assert.True(Math.Abs(all.Capability - truth.Capability) <= 0.15 * truth.StandardError, $"{held.Name}: {all.Capability} vs {truth.Capability} ± {truth.StandardError}");
            Assert.True(Math.Abs(four.Capability - truth.Capability) <= 1.5 * four.StandardError, $"{held.Name} from 4: {four.Capability} ± {four.StandardError} vs {truth.Capability}");
            Assert.True(four.StandardError > all.StandardError, $"{held.Name}: SE from 4 {four.StandardError} ≤ from all {all.StandardError}");
        }
    }

    [Fact]
    public void The_standard_error_shrinks_with_every_benchmark_added()
    {
        // Noise-free scores on known benchmarks: every subset gives back the true C, and each added benchmark adds a
        // positive (∂μ/∂C)² to the curvature, so the SE must fall strictly at each step.
        var truth = IrtData.Draw(1, 30, 0, 0, seed: 3);
        var items = truth.Benchmarks.Select((b, j) => new BenchmarkItem(b.Name, truth.Difficulty[j], truth.Slope[j])).ToArray();
        var model = ItemResponseModel.Restore(items, residualVariance: 0.02 * 0.02, ridge: 0);
        var previous = double.PositiveInfinity;
        for (var k = 1; k <= items.Length; k++)
        {
            var scores = items.Take(k).ToDictionary(b => b.Name, b => truth.Scores[0, Array.IndexOf(items, b)]);
            var estimate = model.Estimate("m000", scores);
            Testing.Golden.Close(truth.Capability[0], estimate.Capability, 1e-9, $"C from {k}");
            Assert.True(estimate.StandardError < previous, $"SE from {k} benchmarks {estimate.StandardError} ≥ from {k - 1}: {previous}");
            previous = estimate.StandardError;
        }
    }

    [SkippableFact]
    public void More_benchmarks_give_a_smaller_standard_error_on_the_paper_data()
    {
        // Not for every model at every step on real scores (a new score moves C and with it the curvature: 37 of 1,144
        // nested steps go up, and Qwen2-0.5B's SE from all 8 is above its SE from its first 3), but on average over the
        // models with all 8 scores the SE from the first k benchmarks falls with every k. Measured means over
        // the 124 complete models, k = 1..8: 0.301, 0.240, 0.192, 0.180, 0.179, 0.143, 0.137, 0.130.
        PaperData.SkipIfAbsent();
        var (models, benchmarks) = IrtData.PaperBase();
        var fit = ItemResponseModel.Fit(models, benchmarks);
        var complete = models.Where(m => benchmarks.All(b => m.Scores.ContainsKey(b.Name))).ToArray();
        var means = Enumerable.Range(1, benchmarks.Length)
            .Select(k => complete.Average(m => fit.Estimate(m.Name, benchmarks.Take(k).ToDictionary(b => b.Name, b => m.Scores[b.Name])).StandardError))
            .ToArray();
        Assert.Equal(124, complete.Length);
        for (var k = 1; k < means.Length; k++)
        {
            Assert.True(means[k] < means[k - 1], "mean SE by benchmark count: " + string.Join(", ", means.Select(x => x.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    [Fact]
    public void A_model_that_tops_every_benchmark_is_held_finite_by_the_ridge()
    {
        // Perfect scores have no finite least-squares capability; λ = 1e-6 stops it near ln(1/λ)/(2α) ≈ 6.9/α past
        // the benchmarks (measured: C 6.008), with a finite but large SE (27.8) that says how little perfect scores tell.
        BenchmarkItem[] items = [new("a", 0, 1), new("b", 1, 2), new("c", -1, 1.5)];
        var model = ItemResponseModel.Restore(items, 0.01, ridge: 1e-6);
        var estimate = model.Estimate("ace", items.ToDictionary(b => b.Name, _ => 1.0));
        Assert.InRange(estimate.Capability, 4, 9);
        Assert.InRange(estimate.StandardError, 10, 100);
    }

    [Fact]
    public void Conflicting_scores_find_the_global_minimum_not_the_nearest()
    {
        // Aces a hard, steep benchmark, fails an easy one: φ has two minima. The estimate must be the lower one,
        // checked against a brute-force scan at 1e-4 spacing.
        BenchmarkItem[] items = [new("hard", 3, 4), new("easy", -3, 4), new("mid", 0, 0.5)];
        var model = ItemResponseModel.Restore(items, 0.01, 0);
        var scores = new Dictionary<string, double> { ["hard"] = 0.97, ["easy"] = 0.05, ["mid"] = 0.6 };
        var estimate = model.Estimate("odd", scores);
        double Phi(double c) => 0.5 * items.Sum(b => Math.Pow(b.ExpectedScore(c) - scores[b.Name], 2));
        var best = Enumerable.Range(0, 200_001).Select(i => -10 + (i * 1e-4)).MinBy(Phi);
        Assert.True(Math.Abs(estimate.Capability - best) < 2e-4, $"estimate {estimate.Capability}, scan {best}");
        Assert.True(Phi(estimate.Capability) <= Phi(best) + 1e-12);
    }
}
