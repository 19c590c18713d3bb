namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Rat42.
// https://www.itl.nist.gov/div898/strd/nls/data/ratkowsky2.shtml (data file .../nls/data/LINKS/DATA/Rat42.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Rat42 (higher difficulty, 9 observations): y = b1 / (1 + exp(b2 − b3·x)).</summary>
    public static NistProblem Rat42 { get; } = new(
        Name: "Rat42",
        Difficulty: NistDifficulty.Higher,
        Model: static (x, b) => b[0] / (1 + Dual.Exp(b[1] - (b[2] * x))),
        Start1: [100, 1, 0.1],
        Start2: [75, 2.5, 0.07],
        Certified: [7.2462237576E+01, 2.6180768402E+00, 6.7359200066E-02],
        CertifiedStandardDeviation: [1.7340283401E+00, 8.8295217536E-02, 3.4465663377E-03],
        CertifiedResidualSumOfSquares: 8.0565229338E+00,
        X: [
            9.000E0, 14.000E0, 21.000E0, 28.000E0, 42.000E0, 57.000E0,
            63.000E0, 70.000E0, 79.000E0,
        ],
        Y: [
            8.930E0, 10.800E0, 18.590E0, 22.330E0, 39.350E0, 56.110E0,
            61.730E0, 64.620E0, 67.080E0,
        ]);
}
