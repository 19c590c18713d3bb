namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Misra1a.
// https://www.itl.nist.gov/div898/strd/nls/data/misra1a.shtml (data file .../nls/data/LINKS/DATA/Misra1a.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Misra1a (lower difficulty, 14 observations): y = b1·(1 − exp(−b2·x)).</summary>
    public static NistProblem Misra1a { get; } = new(
        Name: "Misra1a",
        Difficulty: NistDifficulty.Lower,
        Model: static (x, b) => b[0] * (1 - Dual.Exp(-b[1] * x)),
        Start1: [500, 0.0001],
        Start2: [250, 0.0005],
        Certified: [2.3894212918E+02, 5.5015643181E-04],
        CertifiedStandardDeviation: [2.7070075241E+00, 7.2668688436E-06],
        CertifiedResidualSumOfSquares: 1.2455138894E-01,
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
