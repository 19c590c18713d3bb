namespace ObsScaling.Core.Tests.Numerics.Nist;

// NIST Statistical Reference Datasets, nonlinear regression: Eckerle4.
// https://www.itl.nist.gov/div898/strd/nls/data/eckerle4.shtml (data file .../nls/data/LINKS/DATA/Eckerle4.dat).
// Starting values, certified values and data are copied digit for digit from that file.
internal static partial class NistProblems
{
    /// <summary>Eckerle4 (higher difficulty, 35 observations): y = (b1/b2)·exp(−½((x − b3)/b2)²).</summary>
    public static NistProblem Eckerle4 { get; } = new(
        Name: "Eckerle4",
        Difficulty: NistDifficulty.Higher,
        Model: static (x, b) => b[0] / b[1] * Dual.Exp(-0.5 * Dual.Square((x - b[2]) / b[1])),
        Start1: [1, 10, 500],
        Start2: [1.5, 5, 450],
        Certified: [1.5543827178E+00, 4.0888321754E+00, 4.5154121844E+02],
        CertifiedStandardDeviation: [1.5408051163E-02, 4.6803020753E-02, 4.6800518816E-02],
        CertifiedResidualSumOfSquares: 1.4635887487E-03,
        X: [
            400.000000E0, 405.000000E0, 410.000000E0, 415.000000E0, 420.000000E0, 425.000000E0,
            430.000000E0, 435.000000E0, 436.500000E0, 438.000000E0, 439.500000E0, 441.000000E0,
            442.500000E0, 444.000000E0, 445.500000E0, 447.000000E0, 448.500000E0, 450.000000E0,
            451.500000E0, 453.000000E0, 454.500000E0, 456.000000E0, 457.500000E0, 459.000000E0,
            460.500000E0, 462.000000E0, 463.500000E0, 465.000000E0, 470.000000E0, 475.000000E0,
            480.000000E0, 485.000000E0, 490.000000E0, 495.000000E0, 500.000000E0,
        ],
        Y: [
            0.0001575E0, 0.0001699E0, 0.0002350E0, 0.0003102E0, 0.0004917E0, 0.0008710E0,
            0.0017418E0, 0.0046400E0, 0.0065895E0, 0.0097302E0, 0.0149002E0, 0.0237310E0,
            0.0401683E0, 0.0712559E0, 0.1264458E0, 0.2073413E0, 0.2902366E0, 0.3445623E0,
            0.3698049E0, 0.3668534E0, 0.3106727E0, 0.2078154E0, 0.1164354E0, 0.0616764E0,
            0.0337200E0, 0.0194023E0, 0.0117831E0, 0.0074357E0, 0.0022732E0, 0.0008800E0,
            0.0004579E0, 0.0002345E0, 0.0001586E0, 0.0001143E0, 0.0000710E0,
        ]);
}
