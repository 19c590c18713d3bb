namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: MGH10.
// https://www.itl.nist.gov/div898/strd/nls/data/mgh10.shtml (data file .../nls/data/LINKS/DATA/MGH10.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>MGH10 (higher difficulty, 16 observations): y = b1·exp(b2 / (x + b3)).</summary>
    public static NistProblem MGH10 { get; } = new(
        Name: "MGH10",
        Difficulty: NistDifficulty.Higher,
        Model: static (x, b) => b[0] * Dual.Exp(b[1] / (x + b[2])),
        Start1: [2, 400000, 25000],
        Start2: [0.02, 4000, 250],
        Certified: [5.6096364710E-03, 6.1813463463E+03, 3.4522363462E+02],
        CertifiedStandardDeviation: [1.5687892471E-04, 2.3309021107E+01, 7.8486103508E-01],
        CertifiedResidualSumOfSquares: 8.7945855171E+01,
        X: [
            5.000000E+01, 5.500000E+01, 6.000000E+01, 6.500000E+01, 7.000000E+01, 7.500000E+01,
            8.000000E+01, 8.500000E+01, 9.000000E+01, 9.500000E+01, 1.000000E+02, 1.050000E+02,
            1.100000E+02, 1.150000E+02, 1.200000E+02, 1.250000E+02,
        ],
        Y: [
            3.478000E+04, 2.861000E+04, 2.365000E+04, 1.963000E+04, 1.637000E+04, 1.372000E+04,
            1.154000E+04, 9.744000E+03, 8.261000E+03, 7.030000E+03, 6.005000E+03, 5.147000E+03,
            4.427000E+03, 3.820000E+03, 3.307000E+03, 2.872000E+03,
        ]);
}
