using System.Globalization;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Core.Techniques;
using ObsScaling.Core.Tests.Support;
using ObsScaling.Core.Uncertainty;
using ObsScaling.Testing;
using Xunit.Abstractions;

namespace ObsScaling.Core.Tests.Techniques;

public class TechniqueComparisonTests(ITestOutputHelper output)
{
    public static TheoryData<string> Comparisons => ["gsm8k", "bbh"];

    [SkippableTheory]
    [MemberData(nameof(Comparisons))]
    public void Paper_comparison_matches_the_independent_reference(string name)
    {
        PaperData.SkipIfAbsent();
        var g = ObsScaling.Testing.Golden.File("techniques_reference.json").GetProperty("comparisons").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var result = TechniqueComparison.Compare(PostTraining(), new TechniqueComparisonOptions
        {
            Baseline = g.GetProperty("baseline").GetString()!,
            Techniques = g.Strings("techniques"),
            CapabilityMetrics = PaperMetrics.NonGsmBenchmarks,
            Intervals = null,
        });

        var laws = g.GetProperty("laws").EnumerateArray().ToArray();
        for (var t = 0; t < laws.Length; t++)
        {
            Assert.Equal(laws[t].GetProperty("train_models").GetInt32(), result.Laws[t].TrainModels);
            ObsScaling.Testing.Golden.RelativeClose(laws[t].Number("w_e"), result.Laws[t].Equivalent.Slope, 1e-5, $"{name} w_e {t}");
            ObsScaling.Testing.Golden.RelativeClose(laws[t].Number("b_e"), result.Laws[t].Equivalent.Intercept, 1e-5, $"{name} b_e {t}");
        }

        var grid = g.Vector("grid");
        var predicted = g.GetProperty("predicted").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        var gain = g.GetProperty("gain").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        var techniques = result.Laws.Select(l => l.Technique).ToArray();
        foreach (var p in result.Curve)
        {
            var t = Array.IndexOf(techniques, p.Technique);
            var i = (int)Math.Round((p.Log10FlopsE21 - grid[0]) / (grid[1] - grid[0]));
            Assert.Equal(grid[i], p.Log10FlopsE21, 12);
            Assert.True(Math.Abs(predicted[t][i] - p.Predicted) < 1e-6, $"{p.Technique} at {grid[i]}: {p.Predicted} vs {predicted[t][i]}");
            Assert.True(Math.Abs(gain[t][i] - p.Gain) < 1e-6, $"gain of {p.Technique} at {grid[i]}");
        }

        var crossings = g.GetProperty("crossings").EnumerateArray().ToArray();
        Assert.Equal(crossings.Length, result.Crossings.Count);
        for (var c = 0; c < crossings.Length; c++)
        {
            Assert.Equal(crossings[c].GetProperty("earlier").GetString(), result.Crossings[c].Earlier);
            Assert.Equal(crossings[c].GetProperty("later").GetString(), result.Crossings[c].Later);
            Assert.Equal(crossings[c].Number("log10_flops_e21"), result.Crossings[c].Log10FlopsE21, 4);
            Assert.Equal(crossings[c].Number("value"), result.Crossings[c].Value, 5);
        }
    }

    [SkippableFact]
    public void Paper_gsm8k_gains_have_paired_bootstrap_intervals()
    {
        PaperData.SkipIfAbsent();
        var options = new TechniqueComparisonOptions
        {
            Baseline = PaperAnalyses.GsmNaive,
            Techniques = [PaperAnalyses.GsmCot, PaperAnalyses.GsmCotSelfConsistency],
            CapabilityMetrics = PaperMetrics.NonGsmBenchmarks,
            GridFrom = 0,
            GridTo = 3,
            GridPoints = 7,
            Intervals = new IntervalOptions { Method = IntervalMethod.FamilyBootstrap, Resamples = 100, Seed = 3 },
        };
        var result = TechniqueComparison.Compare(PostTraining(), options);
        Assert.Equal(100, result.Resamples);
        foreach (var p in result.Curve)
        {
            Assert.InRange(p.Predicted, p.PredictedLower - 1e-12, p.PredictedUpper + 1e-12);
            if (p.Technique == options.Baseline)
            {
                Assert.Equal(0, p.Gain);
                continue;
            }

            Assert.True(p.GainLower <= p.GainUpper);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Log10FlopsE21,4:F1} {p.Technique[..12]} predicted {p.Predicted:F4} [{p.PredictedLower:F4}, {p.PredictedUpper:F4}] gain {p.Gain:+0.0000;-0.0000} [{p.GainLower:+0.0000;-0.0000}, {p.GainUpper:+0.0000;-0.0000}]"));
        }

        // At Llama-2-70B-like compute (10^2.9 × 1e21) CoT's gain over greedy is clearly positive.
        var high = result.Curve.Single(p => p.Technique == PaperAnalyses.GsmCot && Math.Abs(p.Log10FlopsE21 - 3) < 1e-9);
        Assert.True(high.GainLower > 0, $"gain interval [{high.GainLower}, {high.GainUpper}]");
        foreach (var c in result.Crossings)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Later} overtakes {c.Earlier} at {c.Log10FlopsE21:F3} [{c.Lower:F3}, {c.Upper:F3}] (share {c.CrossingShare:P0}), value {c.Value:F4}"));
            // Seeded: every one of the 100 resamples crosses, for all three pairs.
            Assert.Equal(1.0, c.CrossingShare);
        }

        // Same seed, same numbers.
        var again = TechniqueComparison.Compare(PostTraining(), options);
        Assert.Equal(result.Curve.Select(p => p.GainUpper), again.Curve.Select(p => p.GainUpper));
    }

    [Fact]
    public void Synthetic_techniques_with_a_known_crossing_are_recovered()
    {
        // Two techniques on one capability: A = σ(z), B = σ(2z − 1) with z = c0 + 0.8·log10 FLOPs on the reference
        // family, so B overtakes A where z = 1, i.e. log10 FLOPs = (1 − c0)/0.8.
        var rng = new Random(11);
        var models = new List<ModelRecord>();
        const double c0 = -1.2;
        for (var f = 0; f < 8; f++)
        {
            var efficiency = f == 0 ? 0 : (rng.NextDouble() - 0.5) * 0.6;
            for (var m = 0; m < 6; m++)
            {
                var log10Flops = -1 + (m * 0.8) + (rng.NextDouble() * 0.2);
                var z = c0 + (0.8 * log10Flops) + efficiency;
                var scores = new Dictionary<string, double>
                {
                    ["b1"] = 0.5 + (0.1 * z) + (0.002 * Gauss(rng)),
                    ["b2"] = 0.4 + (0.08 * z) + (0.002 * Gauss(rng)),
                    ["b3"] = 0.3 + (0.05 * z) + (0.002 * Gauss(rng)),
                    ["a"] = 1 / (1 + Math.Exp(-z)),
                    ["b"] = 1 / (1 + Math.Exp(-((2 * z) - 1))),
                };
                models.Add(new ModelRecord($"{(f == 0 ? "Ref" : "F" + f)}-{m}", f == 0 ? "Ref" : "F" + f, null, null, Math.Pow(10, log10Flops), scores));
            }
        }

        var set = new ModelSet(models, new[] { "b1", "b2", "b3", "a", "b" }.Select(n => new MetricInfo(n)));
        var result = TechniqueComparison.Compare(set, new TechniqueComparisonOptions
        {
            Baseline = "a",
            Techniques = ["b"],
            CapabilityMetrics = ["b1", "b2", "b3"],
            Components = 1,
            Split = HoldoutSplit.Random(0.2, 7),
            ReferenceFamily = "Ref",
            Law = new ObsScaling.Core.Laws.ScalingLawOptions { Link = ObsScaling.Core.Laws.LawLink.Sigmoid },
            Intervals = new IntervalOptions { Method = IntervalMethod.ModelBootstrap, Resamples = 50 },
        });
        var crossing = Assert.Single(result.Crossings);
        Assert.Equal("a", crossing.Earlier);
        Assert.Equal("b", crossing.Later);
        Assert.Equal((1 - c0) / 0.8, crossing.Log10FlopsE21, 2);
        Assert.Equal(1 / (1 + Math.Exp(-1)), crossing.Value, 3);
        Assert.InRange((1 - c0) / 0.8, crossing.Lower - 0.01, crossing.Upper + 0.01);
        var atFour = result.Curve.Single(p => p.Technique == "b" && Math.Abs(p.Log10FlopsE21 - 4) < 1e-9);
        var z4 = c0 + (0.8 * 4);
        Assert.Equal((1 / (1 + Math.Exp(-((2 * z4) - 1)))) - (1 / (1 + Math.Exp(-z4))), atFour.Gain, 3);
    }

    [Fact]
    public void Bad_options_name_every_field()
    {
        var set = new ModelSet([new ModelRecord("m", "f", 1, 1, 1, new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.5 })], [new MetricInfo("x"), new MetricInfo("y")]);
        var ex = Assert.Throws<ObsValidationException>(() => TechniqueComparison.Compare(set, new TechniqueComparisonOptions
        {
            Baseline = "nope",
            Techniques = ["x", "x"],
            CapabilityMetrics = ["x"],
            GridFrom = 2,
            GridTo = 1,
            ReferenceFamily = "Llama-2",
            Intervals = new IntervalOptions { Method = IntervalMethod.Parametric },
        }));
        var fields = ex.Violations.Select(v => v.Field).ToArray();
        Assert.Contains("baseline", fields);
        Assert.Contains("techniques[1]", fields);
        Assert.Contains("capability_metrics", fields);
        Assert.Contains("grid", fields);
        Assert.Contains("reference_family", fields);
        Assert.Contains("intervals.method", fields);
    }

    private static ModelSet PostTraining() => PaperDatasets.LoadBase(PaperData.Open).Join(PaperData.Read(PaperDatasets.PostTrainingFile));

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
