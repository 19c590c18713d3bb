namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: MGH09.
// https://www.itl.nist.gov/div898/strd/nls/data/mgh09.shtml (data file .../nls/data/LINKS/DATA/MGH09.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>MGH09 (higher difficulty, 11 observations): y = b1·(x² + x·b2) / (x² + x·b3 + b4).</summary>
    public static NistProblem MGH09 { get; } = new(
        Name: "MGH09",
        Difficulty: NistDifficulty.Higher,
        Model: static (x, b) => b[0] * ((x * x) + (x * b[1])) / ((x * x) + (x * b[2]) + b[3]),
        Start1: [25, 39, 41.5, 39],
        Start2: [0.25, 0.39, 0.415, 0.39],
        Certified: [1.9280693458E-01, 1.9128232873E-01, 1.2305650693E-01, 1.3606233068E-01],
        CertifiedStandardDeviation: [1.1435312227E-02, 1.9633220911E-01, 8.0842031232E-02, 9.0025542308E-02],
        CertifiedResidualSumOfSquares: 3.0750560385E-04,
        X: [
            4.000000E+00, 2.000000E+00, 1.000000E+00, 5.000000E-01, 2.500000E-01, 1.670000E-01,
            1.250000E-01, 1.000000E-01, 8.330000E-02, 7.140000E-02, 6.250000E-02,
        ],
        Y: [
            1.957000E-01, 1.947000E-01, 1.735000E-01, 1.600000E-01, 8.440000E-02, 6.270000E-02,
            4.560000E-02, 3.420000E-02, 3.230000E-02, 2.350000E-02, 2.460000E-02,
        ]);
}
