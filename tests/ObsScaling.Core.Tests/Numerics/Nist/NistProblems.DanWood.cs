namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: DanWood.
// https://www.itl.nist.gov/div898/strd/nls/data/daniel_wood.shtml (data file .../nls/data/LINKS/DATA/DanWood.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>DanWood (lower difficulty, 6 observations): y = b1·x^b2.</summary>
    public static NistProblem DanWood { get; } = new(
        Name: "DanWood",
        Difficulty: NistDifficulty.Lower,
        Model: static (x, b) => b[0] * Dual.Exp(b[1] * Math.Log(x)),
        Start1: [1, 5],
        Start2: [0.7, 4],
        Certified: [7.6886226176E-01, 3.8604055871E+00],
        CertifiedStandardDeviation: [1.8281973860E-02, 5.1726610913E-02],
        CertifiedResidualSumOfSquares: 4.3173084083E-03,
        X: [
            1.309E0, 1.471E0, 1.490E0, 1.565E0, 1.611E0, 1.680E0,
        ],
        Y: [
            2.138E0, 3.421E0, 3.597E0, 4.340E0, 4.882E0, 5.660E0,
        ]);
}
