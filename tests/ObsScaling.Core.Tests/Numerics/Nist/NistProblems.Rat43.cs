namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Rat43.
// https://www.itl.nist.gov/div898/strd/nls/data/ratkowsky3.shtml (data file .../nls/data/LINKS/DATA/Rat43.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Rat43 (higher difficulty, 15 observations): y = b1 / (1 + exp(b2 − b3·x))^(1/b4).</summary>
    public static NistProblem Rat43 { get; } = new(
        Name: "Rat43",
        Difficulty: NistDifficulty.Higher,
        Model: static (x, b) => b[0] / Dual.Pow(1 + Dual.Exp(b[1] - (b[2] * x)), 1 / b[3]),
        Start1: [100, 10, 1, 1],
        Start2: [700, 5, 0.75, 1.3],
        Certified: [6.9964151270E+02, 5.2771253025E+00, 7.5962938329E-01, 1.2792483859E+00],
        CertifiedStandardDeviation: [1.6302297817E+01, 2.0828735829E+00, 1.9566123451E-01, 6.8761936385E-01],
        CertifiedResidualSumOfSquares: 8.7864049080E+03,
        X: [
            1.0E0, 2.0E0, 3.0E0, 4.0E0, 5.0E0, 6.0E0,
            7.0E0, 8.0E0, 9.0E0, 10.0E0, 11.0E0, 12.0E0,
            13.0E0, 14.0E0, 15.0E0,
        ],
        Y: [
            16.08E0, 33.83E0, 65.80E0, 97.20E0, 191.55E0, 326.20E0,
            386.87E0, 520.53E0, 590.03E0, 651.92E0, 724.93E0, 699.56E0,
            689.96E0, 637.56E0, 717.41E0,
        ]);
}
