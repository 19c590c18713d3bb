using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Efficiency;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Synthetic;

namespace ObsScaling.Core.Tests.Synthetic;

/// <summary>Data drawn from a known generalised scaling law: the analysis must recover it.</summary>
public class SyntheticLawRecoveryTests
{
    private static readonly SyntheticZooOptions Linear2D = new()
    {
        Seed = 11,
        Families = 30,
        ModelsPerFamily = 6,
        Benchmarks = 8,
        LatentDimensions = 2,
        Response = BenchmarkResponse.Linear,
        BenchmarkNoise = 0.001,
        DownstreamNoise = 0.005,
        DownstreamIntercept = -1.0,
        DownstreamWeights = [2.5, 1.0],
        DownstreamFloor = 0.1,
    };

    [Fact]
    public void The_same_seed_gives_the_same_zoo()
    {
        var a = SyntheticZoo.Generate(Linear2D);
        var b = SyntheticZoo.Generate(Linear2D);
        var c = SyntheticZoo.Generate(Linear2D with { Seed = 12 });
        Assert.Equal(a.Models.Models.Select(m => m.Score("bench-1")), b.Models.Models.Select(m => m.Score("bench-1")));
        Assert.NotEqual(a.Models.Models.Select(m => m.Score("bench-1")), c.Models.Models.Select(m => m.Score("bench-1")));
        Assert.Equal(180, a.Models.Count);
    }

    [Fact]
    public void Holdout_fit_recovers_the_true_law_and_beats_the_compute_baseline()
    {
        var zoo = SyntheticZoo.Generate(Linear2D);
        var options = new HoldoutOptions
        {
            Target = "downstream",
            CapabilityMetrics = zoo.BenchmarkNames,
            Predictors = PredictorSet.PrincipalComponents(2),
            Split = HoldoutSplit.Cutoff(ModelColumns.FlopsE21, 30),
            ReferenceFamily = "family-01",
        };
        var pcs = HoldoutAnalysis.Run(zoo.Models, options);
        var flops = HoldoutAnalysis.Run(zoo.Models, options with { Predictors = PredictorSet.LogFlops });

        Assert.True(pcs.Law.Converged, pcs.Law.Message);
        Assert.InRange(pcs.Law.Floor, 0.07, 0.13);
        var rmseToTruth = Math.Sqrt(pcs.Test.Average(p => Math.Pow(p.Predicted - zoo.TrueDownstream(p.Model), 2)));
        Assert.True(rmseToTruth < 0.02, $"test predictions are {rmseToTruth:F4} RMSE from the true law");
        Assert.True(pcs.TestMse < flops.TestMse / 5, $"PC law test MSE {pcs.TestMse:E2} vs compute-only {flops.TestMse:E2}");

        // The fitted aggregate c + w·PC is the true c + w·S up to noise (PCs span the latent space).
        var maxCapabilityError = pcs.All.Max(p => Math.Abs(p.Capability - (zoo.TrueLaw.Intercept + Dot(zoo.TrueLaw.Weights, zoo.Latent[p.Model]))));
        Assert.True(maxCapabilityError < 0.25, $"capability error {maxCapabilityError:F3}");
    }

    [Fact]
    public void Family_efficiency_recovers_each_familys_compute_slope()
    {
        var zoo = SyntheticZoo.Generate(Linear2D with { LatentDimensions = 1, DownstreamWeights = [2.0], BenchmarkNoise = 0.0005 });
        var x = zoo.Models.Matrix(zoo.BenchmarkNames);
        var space = CapabilitySpace.Fit(PcaImputer.Fit(x).Imputed, zoo.BenchmarkNames, new PcaOptions { Components = 2 });
        var fits = FamilyEfficiency.FitAll(space.Scores, zoo.Models.Models.Select(m => m.Family).ToArray(), zoo.Models.Column("flops"));
        var pc1 = fits.Where(f => f.Component == 1).ToDictionary(f => f.Family);
        Assert.Equal(30, pc1.Count);

        // PC-1 = a·S + const for one common a; so fitted slope / true slope is the same for every family.
        var ratios = zoo.Families.Select(f => pc1[f.Name].Fit.Slope / f.Slope[0]).ToArray();
        Assert.True(ratios.Max() - ratios.Min() < 0.02 * Math.Abs(ratios.Average()), $"slope ratios {ratios.Min():F4}..{ratios.Max():F4}");
        Assert.All(pc1.Values, f => Assert.True(f.Fit.RSquared > 0.999, $"{f.Family} R² {f.Fit.RSquared}"));
        // Offsets (compute efficiency) are recovered up to the same scale and a common shift.
        var shift = zoo.Families.Select(f => pc1[f.Name].Fit.Predict(2) - (ratios.Average() * f.Offset[0])).ToArray();
        Assert.True(shift.Max() - shift.Min() < 0.05, $"efficiency shift spread {shift.Max() - shift.Min():F4}");
    }

    [Fact]
    public void Missing_cells_are_recovered_from_the_low_rank_structure()
    {
        var full = SyntheticZoo.Generate(Linear2D with { LatentDimensions = 1, DownstreamWeights = [2.0] });
        var holed = SyntheticZoo.Generate(Linear2D with { LatentDimensions = 1, DownstreamWeights = [2.0], MissingFraction = 0.2 });
        var names = full.BenchmarkNames;
        var fit = PcaImputer.Fit(holed.Models.Matrix(names));
        var truth = full.Models.Matrix(names);
        var errors = new List<double>();
        for (var i = 0; i < truth.GetLength(0); i++)
        {
            for (var j = 0; j < truth.GetLength(1); j++)
            {
                if (fit.Missing[i, j])
                {
                    errors.Add(Math.Abs(fit.Imputed[i, j] - truth[i, j]));
                }
            }
        }

        Assert.True(errors.Count > 100, $"only {errors.Count} missing cells");
        Assert.True(errors.Max() < 0.01, $"worst imputed cell off by {errors.Max():F4}");
    }

    [Fact]
    public void Holdout_results_do_not_depend_on_row_order()
    {
        var zoo = SyntheticZoo.Generate(Linear2D with { MissingFraction = 0.1 });
        var options = new HoldoutOptions
        {
            Target = "downstream",
            CapabilityMetrics = zoo.BenchmarkNames,
            Predictors = PredictorSet.PrincipalComponents(2),
            Split = HoldoutSplit.Cutoff(ModelColumns.FlopsE21, 30),
        };
        var forward = HoldoutAnalysis.Run(zoo.Models, options);
        var shuffled = zoo.Models.Models.ToArray();
        new Random(3).Shuffle(shuffled);
        var backward = HoldoutAnalysis.Run(new ModelSet(shuffled, zoo.Models.OrderedMetrics()), options);
        Assert.Equal(forward.TestMse, backward.TestMse, 1e-9);
        var byName = backward.Test.ToDictionary(p => p.Model);
        Assert.All(forward.Test, p => Assert.Equal(p.Predicted, byName[p.Model].Predicted, 1e-7));
    }

    [Fact]
    public void Bad_options_are_named()
    {
        var zoo = SyntheticZoo.Generate(Linear2D);
        var ex = Assert.Throws<ObsValidationException>(() => HoldoutAnalysis.Run(zoo.Models, new HoldoutOptions
        {
            Target = "nope",
            CapabilityMetrics = ["bench-1", "ghost", "bench-1"],
            Predictors = PredictorSet.PrincipalComponents(9),
            Split = HoldoutSplit.Cutoff("unknown column", 3),
        }));
        var fields = ex.Violations.Select(v => v.Field).ToArray();
        Assert.Contains("target", fields);
        Assert.Contains("capability_metrics[1]", fields);
        Assert.Contains("capability_metrics", fields);
        Assert.Contains("predictors", fields);
        Assert.Contains("split.column", fields);
        Assert.Throws<ObsValidationException>(() => SyntheticZoo.Generate(new SyntheticZooOptions { Families = 0, MissingFraction = 2 }));
    }

    private static double Dot(IReadOnlyList<double> w, double[] s) => w.Select((x, i) => x * s[i]).Sum();
}
