namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Lanczos1.
// https://www.itl.nist.gov/div898/strd/nls/data/lanczos1.shtml (data file .../nls/data/LINKS/DATA/Lanczos1.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Lanczos1 (average difficulty, 24 observations): y = b1·exp(−b2·x) + b3·exp(−b4·x) + b5·exp(−b6·x).</summary>
    public static NistProblem Lanczos1 { get; } = new(
        Name: "Lanczos1",
        Difficulty: NistDifficulty.Average,
        Model: static (x, b) => (b[0] * Dual.Exp(-b[1] * x)) + (b[2] * Dual.Exp(-b[3] * x)) + (b[4] * Dual.Exp(-b[5] * x)),
        Start1: [1.2, 0.3, 5.6, 5.5, 6.5, 7.6],
        Start2: [0.5, 0.7, 3.6, 4.2, 4, 6.3],
        Certified: [9.5100000027E-02, 1.0000000001E+00, 8.6070000013E-01, 3.0000000002E+00, 1.5575999998E+00, 5.0000000001E+00],
        CertifiedStandardDeviation: [5.3347304234E-11, 2.7473038179E-10, 1.3576062225E-10, 3.3308253069E-10, 1.8815731448E-10, 1.1057500538E-10],
        CertifiedResidualSumOfSquares: 1.4307867721E-25,
        X: [
            0.000000000000E+00, 5.000000000000E-02, 1.000000000000E-01, 1.500000000000E-01, 2.000000000000E-01, 2.500000000000E-01,
            3.000000000000E-01, 3.500000000000E-01, 4.000000000000E-01, 4.500000000000E-01, 5.000000000000E-01, 5.500000000000E-01,
            6.000000000000E-01, 6.500000000000E-01, 7.000000000000E-01, 7.500000000000E-01, 8.000000000000E-01, 8.500000000000E-01,
            9.000000000000E-01, 9.500000000000E-01, 1.000000000000E+00, 1.050000000000E+00, 1.100000000000E+00, 1.150000000000E+00,
        ],
        Y: [
            2.513400000000E+00, 2.044333373291E+00, 1.668404436564E+00, 1.366418021208E+00, 1.123232487372E+00, 9.268897180037E-01,
            7.679338563728E-01, 6.388775523106E-01, 5.337835317402E-01, 4.479363617347E-01, 3.775847884350E-01, 3.197393199326E-01,
            2.720130773746E-01, 2.324965529032E-01, 1.996589546065E-01, 1.722704126914E-01, 1.493405660168E-01, 1.300700206922E-01,
            1.138119324644E-01, 1.000415587559E-01, 8.833209084540E-02, 7.833544019350E-02, 6.976693743449E-02, 6.239312536719E-02,
        ]);
}
