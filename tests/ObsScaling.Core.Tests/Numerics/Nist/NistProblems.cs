namespace ObsScaling.Core.Tests.Numerics.Nist;

/// <summary>The NIST StRD nonlinear regression problems with one predictor, one file each (Nelson, with two, is left out).</summary>
internal static partial class NistProblems
{
    // Computed on access: the problems are initialised in other files of this partial class, in an unspecified order.
    public static IReadOnlyList<NistProblem> All =>
    [
        Misra1a, Chwirut2, Chwirut1, Lanczos3, Gauss1, Gauss2, DanWood, Misra1b,
        Kirby2, Hahn1, MGH17, Lanczos1, Lanczos2, Gauss3, Misra1c, Misra1d, Roszman1, ENSO,
        MGH09, Thurber, BoxBOD, Rat42, MGH10, Eckerle4, Rat43, Bennett5,
    ];

    public static NistProblem Named(string name) => All.Single(p => p.Name == name);
}
