namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: MGH17.
// https://www.itl.nist.gov/div898/strd/nls/data/mgh17.shtml (data file .../nls/data/LINKS/DATA/MGH17.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>MGH17 (average difficulty, 33 observations): y = b1 + b2·exp(−x·b4) + b3·exp(−x·b5).</summary>
    public static NistProblem MGH17 { get; } = new(
        Name: "MGH17",
        Difficulty: NistDifficulty.Average,
        Model: static (x, b) => b[0] + (b[1] * Dual.Exp(-x * b[3])) + (b[2] * Dual.Exp(-x * b[4])),
        Start1: [50, 150, -100, 1, 2],
        Start2: [0.5, 1.5, -1, 0.01, 0.02],
        Certified: [3.7541005211E-01, 1.9358469127E+00, -1.4646871366E+00, 1.2867534640E-02, 2.2122699662E-02],
        CertifiedStandardDeviation: [2.0723153551E-03, 2.2031669222E-01, 2.2175707739E-01, 4.4861358114E-04, 8.9471996575E-04],
        CertifiedResidualSumOfSquares: 5.4648946975E-05,
        X: [
            0.000000E+00, 1.000000E+01, 2.000000E+01, 3.000000E+01, 4.000000E+01, 5.000000E+01,
            6.000000E+01, 7.000000E+01, 8.000000E+01, 9.000000E+01, 1.000000E+02, 1.100000E+02,
            1.200000E+02, 1.300000E+02, 1.400000E+02, 1.500000E+02, 1.600000E+02, 1.700000E+02,
            1.800000E+02, 1.900000E+02, 2.000000E+02, 2.100000E+02, 2.200000E+02, 2.300000E+02,
            2.400000E+02, 2.500000E+02, 2.600000E+02, 2.700000E+02, 2.800000E+02, 2.900000E+02,
            3.000000E+02, 3.100000E+02, 3.200000E+02,
        ],
        Y: [
            8.440000E-01, 9.080000E-01, 9.320000E-01, 9.360000E-01, 9.250000E-01, 9.080000E-01,
            8.810000E-01, 8.500000E-01, 8.180000E-01, 7.840000E-01, 7.510000E-01, 7.180000E-01,
            6.850000E-01, 6.580000E-01, 6.280000E-01, 6.030000E-01, 5.800000E-01, 5.580000E-01,
            5.380000E-01, 5.220000E-01, 5.060000E-01, 4.900000E-01, 4.780000E-01, 4.670000E-01,
            4.570000E-01, 4.480000E-01, 4.380000E-01, 4.310000E-01, 4.240000E-01, 4.200000E-01,
            4.140000E-01, 4.110000E-01, 4.060000E-01,
        ]);
}
