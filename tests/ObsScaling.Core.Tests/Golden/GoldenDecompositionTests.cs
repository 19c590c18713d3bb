using ObsScaling.Core.Capability;
using ObsScaling.Core.Efficiency;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.Core.Tests.Golden;

/// <summary>Imputation, PCA and per-family fits against the independent numpy/sklearn computation.</summary>
public class GoldenDecompositionTests
{
    public static TheoryData<string> ImputationCases => Testing.Golden.Names("imputation");

    public static TheoryData<string> PcaCases => Testing.Golden.Names("pca");

    public static TheoryData<string> FamilyCases => Testing.Golden.Names("family_ols");

    [Theory]
    [MemberData(nameof(ImputationCases))]
    public void Imputed_cells_match_the_reference_to_1e_6(string name)
    {
        var g = Testing.Golden.Case("imputation", name);
        var fit = PcaImputer.Fit(g.Matrix("train_input"), new PcaImputationOptions(), g.Strings("metrics"));
        Assert.True(fit.Converged, $"did not converge: {fit.Iterations} iterations, last change {fit.LastChange:E2}");
        Testing.Golden.Close(g.Matrix("train_imputed"), fit.Imputed, 1e-6, name + " train");
        var testInput = g.Matrix("test_input");
        if (testInput.GetLength(0) > 0)
        {
            Testing.Golden.Close(g.Matrix("test_imputed"), fit.Impute(testInput).Imputed, 1e-6, name + " test");
        }
    }

    [Theory]
    [MemberData(nameof(PcaCases))]
    public void Pca_matches_sklearn_to_1e_9(string name)
    {
        var g = Testing.Golden.Case("pca", name);
        var space = CapabilitySpace.Fit(g.Matrix("input"), g.Strings("metrics"), new PcaOptions { Components = (int)g.Number("n_components") });
        Testing.Golden.Close(g.Vector("mean"), space.Mean, 1e-12, "mean");
        Testing.Golden.Close(g.Matrix("components"), space.Loadings, 1e-9, "loadings");
        Testing.Golden.Close(g.Vector("explained_variance"), space.ExplainedVariance, 1e-9, "explained variance");
        Testing.Golden.Close(g.Vector("explained_variance_ratio"), space.ExplainedVarianceRatio, 1e-9, "explained variance ratio");
        Testing.Golden.Close(g.Matrix("scores"), space.Scores, 1e-9, "scores");
    }

    [Fact]
    public void Pc1_explains_about_80_percent_on_the_default_models()
    {
        var g = Testing.Golden.Case("pca", "default_base");
        var space = CapabilitySpace.Fit(g.Matrix("input"), g.Strings("metrics"));
        Assert.Equal(77, space.Scores.GetLength(0));
        Assert.InRange(space.ExplainedVarianceRatio[0], 0.795, 0.81);
        Assert.InRange(space.ExplainedVarianceRatio.Take(3).Sum(), 0.95, 1.0);
    }

    [Theory]
    [MemberData(nameof(FamilyCases))]
    public void Family_efficiency_matches_the_reference_ols(string name)
    {
        var g = Testing.Golden.Case("family_ols", name);
        var fit = LinearRegression.Fit(g.Vector("x"), g.Vector("y"), g.Number("confidence"));
        Testing.Golden.RelativeClose(g.Number("slope"), fit.Slope, 1e-9, "slope");
        Testing.Golden.Close(g.Number("intercept"), fit.Intercept, 1e-9 * Math.Max(1, Math.Abs(g.Number("intercept"))), "intercept");
        Testing.Golden.Close(g.Number("r2"), fit.RSquared, 1e-9, "R²");
        Assert.Equal((int)g.Number("n"), fit.N);
        var slopeCi = g.Vector("slope_ci");
        var interceptCi = g.Vector("intercept_ci");
        Testing.Golden.Close(slopeCi[0], fit.SlopeLower, 1e-8 * Math.Max(1, Math.Abs(slopeCi[0])), "slope CI low");
        Testing.Golden.Close(slopeCi[1], fit.SlopeUpper, 1e-8 * Math.Max(1, Math.Abs(slopeCi[1])), "slope CI high");
        Testing.Golden.Close(interceptCi[0], fit.InterceptLower, 1e-8 * Math.Max(1, Math.Abs(interceptCi[0])), "intercept CI low");
        Testing.Golden.Close(interceptCi[1], fit.InterceptUpper, 1e-8 * Math.Max(1, Math.Abs(interceptCi[1])), "intercept CI high");
    }
}
