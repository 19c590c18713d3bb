namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Misra1d.
// https://www.itl.nist.gov/div898/strd/nls/data/misra1d.shtml (data file .../nls/data/LINKS/DATA/Misra1d.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Misra1d (average difficulty, 14 observations): y = b1·b2·x / (1 + b2·x).</summary>
    public static NistProblem Misra1d { get; } = new(
        Name: "Misra1d",
        Difficulty: NistDifficulty.Average,
        Model: static (x, b) => b[0] * b[1] * x / (1 + (b[1] * x)),
        Start1: [500, 0.0001],
        Start2: [450, 0.0003],
        Certified: [4.3736970754E+02, 3.0227324449E-04],
        CertifiedStandardDeviation: [3.6489174345E+00, 2.9334354479E-06],
        CertifiedResidualSumOfSquares: 5.6419295283E-02,
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
