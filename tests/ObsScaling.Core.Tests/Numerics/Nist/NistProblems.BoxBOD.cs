namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: BoxBOD.
// https://www.itl.nist.gov/div898/strd/nls/data/boxbod.shtml (data file .../nls/data/LINKS/DATA/BoxBOD.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>BoxBOD (higher difficulty, 6 observations): y = b1·(1 − exp(−b2·x)).</summary>
    public static NistProblem BoxBOD { get; } = new(
        Name: "BoxBOD",
        Difficulty: NistDifficulty.Higher,
        Model: static (x, b) => b[0] * (1 - Dual.Exp(-b[1] * x)),
        Start1: [1, 1],
        Start2: [100, 0.75],
        Certified: [2.1380940889E+02, 5.4723748542E-01],
        CertifiedStandardDeviation: [1.2354515176E+01, 1.0455993237E-01],
        CertifiedResidualSumOfSquares: 1.1680088766E+03,
        X: [
            1, 2, 3, 5, 7, 10,
        ],
        Y: [
            109, 149, 149, 191, 213, 224,
        ]);
}
