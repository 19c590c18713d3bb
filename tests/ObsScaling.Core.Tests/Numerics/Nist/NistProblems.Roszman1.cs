namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Roszman1.
// https://www.itl.nist.gov/div898/strd/nls/data/roszman1.shtml (data file .../nls/data/LINKS/DATA/Roszman1.dat).
// Starting values, certified values and data are copied digit for digit from that file.
// (Some circulating copies print b1 as 1.20196866396E-0; NIST's value is 2.0196866396E-01.)
internal static partial class NistProblems
{
    /// <summary>Roszman1 (average difficulty, 25 observations): y = b1 − b2·x − arctan(b3/(x − b4))/π.</summary>
    public static NistProblem Roszman1 { get; } = new(
        Name: "Roszman1",
        Difficulty: NistDifficulty.Average,
        Model: static (x, b) => b[0] - (b[1] * x) - (Dual.Atan(b[2] / (x - b[3])) / Math.PI),
        Start1: [0.1, -0.00001, 1000, -100],
        Start2: [0.2, -0.000005, 1200, -150],
        Certified: [2.0196866396E-01, -6.1953516256E-06, 1.2044556708E+03, -1.8134269537E+02],
        CertifiedStandardDeviation: [1.9172666023E-02, 3.2058931691E-06, 7.4050983057E+01, 4.9573513849E+01],
        CertifiedResidualSumOfSquares: 4.9484847331E-04,
        X: [
            -4868.68, -4868.09, -4867.41, -3375.19, -3373.14, -3372.03,
            -2473.74, -2472.35, -2469.45, -1894.65, -1893.40, -1497.24,
            -1495.85, -1493.41, -1208.68, -1206.18, -1206.04, -997.92,
            -996.61, -996.31, -834.94, -834.66, -710.03, -530.16,
            -464.17,
        ],
        Y: [
            0.252429, 0.252141, 0.251809, 0.297989, 0.296257, 0.295319,
            0.339603, 0.337731, 0.333820, 0.389510, 0.386998, 0.438864,
            0.434887, 0.427893, 0.471568, 0.461699, 0.461144, 0.513532,
            0.506641, 0.505062, 0.535648, 0.533726, 0.568064, 0.612886,
            0.624169,
        ]);
}
