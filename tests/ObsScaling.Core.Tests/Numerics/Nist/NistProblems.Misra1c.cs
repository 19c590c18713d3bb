namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Misra1c.
// https://www.itl.nist.gov/div898/strd/nls/data/misra1c.shtml (data file .../nls/data/LINKS/DATA/Misra1c.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Misra1c (average difficulty, 14 observations): y = b1·(1 − (1 + 2·b2·x)^−½).</summary>
    public static NistProblem Misra1c { get; } = new(
        Name: "Misra1c",
        Difficulty: NistDifficulty.Average,
        Model: static (x, b) => b[0] * (1 - Dual.Pow(1 + (2 * b[1] * x), -0.5)),
        Start1: [500, 0.0001],
        Start2: [600, 0.0002],
        Certified: [6.3642725809E+02, 2.0813627256E-04],
        CertifiedStandardDeviation: [4.6638326572E+00, 1.7728423155E-06],
        CertifiedResidualSumOfSquares: 4.0966836971E-02,
        X: [
            77.6E0, 114.9E0, 141.1E0, 190.8E0, 239.9E0, 289.0E0,
            332.8E0, 378.4E0, 434.8E0, 477.3E0, 536.8E0, 593.1E0,
            689.1E0, 760.0E0,
        ],
        Y: [
            10.07E0, 14.73E0, 17.94E0, 23.93E0, 29.61E0, 35.18E0,
            40.02E0, 44.82E0, 50.76E0, 55.05E0, 61.01E0, 66.40E0,
            75.47E0, 81.78E0,
        ]);
}
