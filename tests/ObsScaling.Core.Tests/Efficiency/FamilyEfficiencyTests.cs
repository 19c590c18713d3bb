using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Efficiency;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Tests.Support;

namespace ObsScaling.Core.Tests.Efficiency;

public class FamilyEfficiencyTests
{
    [Fact]
    public void Each_family_and_component_gets_its_own_line_on_log10_flops()
    {
        // Family F: PC-1 = 1 + 2·log10(FLOPs), PC-2 = −log10(FLOPs). Family G: PC-1 = 0.5·log10(FLOPs).
        double[] flops = [1, 10, 100, 10, 1000, 5, double.NaN];
        string?[] families = ["F", "F", "F", "G", "G", "H", "G"];
        var scores = new double[7, 2];
        for (var i = 0; i < 7; i++)
        {
            var lx = Math.Log10(flops[i] + 1e-9);
            scores[i, 0] = families[i] == "F" ? 1 + (2 * lx) : 0.5 * lx;
            scores[i, 1] = -lx;
        }

        // NaN FLOPs: skipped, so these outliers must not matter.
        scores[6, 0] = 42;
        scores[6, 1] = 42;

        var fits = FamilyEfficiency.FitAll(scores, families, flops);

        Assert.Equal([("F", 1), ("F", 2), ("G", 1), ("G", 2)], fits.Select(f => (f.Family, f.Component)));
        var f1 = fits[0].Fit;
        Assert.Equal(2.0, f1.Slope, 6);
        Assert.Equal(1.0, f1.Intercept, 6);
        Assert.Equal(1.0, f1.RSquared, 9);
        Assert.Equal(3, f1.N);
        Assert.Equal(-1.0, fits[1].Fit.Slope, 6);
        Assert.Equal(0.5, fits[2].Fit.Slope, 6);
        Assert.Equal(2, fits[2].Fit.N);
        Assert.Equal(double.PositiveInfinity, fits[2].Fit.SlopeStandardError);
    }

    [Fact]
    public void Families_below_the_minimum_or_with_one_flops_value_are_skipped()
    {
        double[] flops = [1, 10, 100, 7, 7, 7, 3];
        string?[] families = ["F", "F", "F", "G", "G", "G", null];
        var scores = new double[7, 1];
        for (var i = 0; i < 7; i++)
        {
            scores[i, 0] = i;
        }

        Assert.Equal(["F"], FamilyEfficiency.FitAll(scores, families, flops).Select(f => f.Family));
        Assert.Empty(FamilyEfficiency.FitAll(scores, families, flops, minModels: 4));
    }

    [Fact]
    public void Misaligned_or_invalid_inputs_are_named()
    {
        var scores = new double[3, 1];
        var misaligned = Assert.Throws<ObsValidationException>(() => FamilyEfficiency.FitAll(scores, ["F", "F"], [1, 2]));
        Assert.Equal(["families", "flopsE21"], misaligned.Violations.Select(v => v.Field).Order());
        var negative = Assert.Throws<ObsValidationException>(() => FamilyEfficiency.FitAll(scores, ["F", "F", "F"], [1, -2, 3]));
        Assert.Equal("flopsE21[1]", Assert.Single(negative.Violations).Field);
        var tooFew = Assert.Throws<ObsValidationException>(() => FamilyEfficiency.FitAll(scores, ["F", "F", "F"], [1, 2, 3], minModels: 1));
        Assert.Equal("minModels", Assert.Single(tooFew.Violations).Field);
    }

    [SkippableFact]
    public void Llama_2_gains_capability_with_compute_on_the_paper_data()
    {
        Skip.IfNot(File.Exists(PaperData.BaseEvalCsv), PaperData.MissingReason);
        var set = PaperData.LoadDefaultSet();
        var imputed = PcaImputer.Fit(set.Scores, columnNames: PaperData.Metrics).Imputed;
        var space = CapabilitySpace.Fit(imputed, PaperData.Metrics, new PcaOptions { Components = 3 });

        var fits = FamilyEfficiency.FitAll(space.Scores, set.Families, set.FlopsE21);

        var llama2 = Assert.Single(fits, f => f.Family == "Llama-2" && f.Component == 1).Fit;
        Assert.True(llama2.Slope > 0);
        Assert.True(llama2.RSquared > 0.9);
        Assert.DoesNotContain(fits, f => f.Family is "Mistral" or "Mixtral");
    }
}
